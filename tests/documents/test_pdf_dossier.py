"""The auditor's dossier (卷宗) of a target, and the department's and the year's PDFs (issue 8):
the Chinese title and known values are really in the PDF's text (pypdf), every revision's
changes and the full audit trail with request ids are there, and one page of each is rendered to
PNG for a person to look at (Shanghai Art. 14: 全程记录)."""

import pytest

from audit.models import AuditEvent
from documents.models import DocumentJob
from tests.documents.conftest import job_file, pdf_text, render_page, tables_outside_margins

pytestmark = pytest.mark.django_db


def test_target_dossier_holds_title_revisions_and_last_audit_entry(
    history, auditor, generate, rendered_html
):
    job = generate(auditor, "target_dossier", target=history.pk)
    content = job_file(job)
    text = pdf_text(content)
    assert "目标卷宗" in text
    assert "市人民政府办公厅" in text
    assert history.title in text
    last = AuditEvent.objects.for_timeline(history).last()
    assert last.comment == "协商一致，同意按6.8%安排。"
    assert last.comment in text
    # Every revision with its changes: the target value went from 6.5 to 6.8.
    assert "第 2 版" in text
    assert "6.5" in text and "6.8" in text
    assert "资金保障" in text
    # Footer: page numbers, who generated it.
    assert "第 1 页 共" in text
    assert "审计员" in text
    job.refresh_from_db()
    assert job.result["pages"] >= 2
    assert job.result["target_ids"] == [history.pk]
    png = render_page(content, "target-dossier", page=1)
    assert png.stat().st_size > 5000
    assert tables_outside_margins(rendered_html[-1]) == []


def test_dossier_shows_request_ids_of_the_audit_trail(history, auditor, generate):
    ids = {e.request_id for e in AuditEvent.objects.for_timeline(history) if e.request_id}
    text = pdf_text(job_file(generate(auditor, "target_dossier", target=history.pk)))
    for request_id in ids:
        assert request_id in text


def test_department_dossier_has_every_target_of_the_department(
    history, office, staff_a, plan_year, aspect, dept_a, dept_b, staff_b, generate, rendered_html
):
    from targets import services as target_services
    from tests.conftest import qualitative_input

    other = target_services.target_create(
        by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a)
    )
    foreign = target_services.target_create(
        by=staff_b,
        plan_year=plan_year,
        data=qualitative_input(aspect, dept_b, title="财政局的目标"),
    )
    job = generate(office, "department_dossier", department=dept_a.pk, year=2027)
    content = job_file(job)
    text = pdf_text(content)
    assert "部门目标卷宗" in text
    assert "市发展改革委" in text
    assert history.title in text and other.title in text
    assert foreign.title not in text
    job.refresh_from_db()
    assert sorted(job.result["target_ids"]) == sorted([history.pk, other.pk])
    render_page(content, "department-dossier", page=2)
    assert tables_outside_margins(rendered_html[-1]) == []


def test_year_ledger_lists_targets_by_aspect_with_node_targets(
    history, office, generate, rendered_html, dept_b
):
    job = generate(office, "year_ledger", year=2027)
    content = job_file(job)
    text = pdf_text(content)
    assert "2027年度目标台账" in text
    assert "经济发展与结构调整" in text
    assert history.title in text
    # Narrow cells wrap: compare without the line breaks.
    assert "第1季度累计增速达到目标进度" in "".join(text.split())
    render_page(content, "year-ledger", page=1)
    # A4 landscape with 11 columns: the last column stays on the paper.
    assert tables_outside_margins(rendered_html[-1]) == []


def test_dossier_sections_are_pluggable(history, auditor, generate):
    """Execution adds its sections (progress reports, adjustments, coordination) with a few lines
    after merging; a registered section appears, numbered, in the dossier."""
    from documents.sections import _sections, register_dossier_section

    register_dossier_section(
        key="test-extra",
        title="进展情况",
        template="documents/pdf/sections/thread.html",
        build=lambda target, *, user: {"comments": list(target.comments.all())},
        order=70,
    )
    try:
        text = pdf_text(job_file(generate(auditor, "target_dossier", target=history.pk)))
    finally:
        _sections.pop("test-extra")
    assert "六、进展情况" in text
    assert "七、办理记录" in text


def test_a_failing_generation_leaves_a_message_not_a_spinner(
    history, auditor, generate, monkeypatch
):
    from documents import pdf

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(pdf.GENERATORS, "target_dossier", broken)
    job = generate(auditor, "target_dossier", target=history.pk)
    job.refresh_from_db()
    assert job.state == DocumentJob.State.FAILED
    assert "生成失败" in job.error


def test_the_requester_is_told_when_the_document_is_ready(history, auditor, generate, mailoutbox):
    """The one "document ready" notice (documents.services.document_ready_notice) goes through
    notifications.services.notify: an in-app notice linking to the job page, and the e-mail
    from the outbox after commit."""
    from notifications.models import Notification

    job = generate(auditor, "target_dossier", target=history.pk)
    notice = Notification.objects.get(kind="document_ready")
    assert notice.recipient == auditor
    assert notice.url == f"/documents/jobs/{job.pk}/"
    assert notice.obj == job
    assert "文档已生成" in notice.title
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [auditor.email]
    assert "文档已生成" in message.subject
    assert f"/documents/jobs/{job.pk}/" in message.body


def test_the_document_ready_notice_is_sent_once_per_job_and_only_to_the_requester(
    history, auditor, office, generate, django_capture_on_commit_callbacks
):
    """A redelivered task (acks_late) that finishes the job again adds no second notice (the
    idempotency key), and nobody but the requester may be told about the job (read check)."""
    from documents.services import document_ready_notice
    from notifications.models import Notification
    from notifications.services import notify

    job = generate(auditor, "target_dossier", target=history.pk)
    with django_capture_on_commit_callbacks(execute=True):
        document_ready_notice(job)
    assert Notification.objects.filter(kind="document_ready").count() == 1
    assert notify(recipients=[office], kind="document_ready", title="x", obj=job) == []
    assert not Notification.objects.filter(recipient=office).exists()


def test_the_requester_without_email_wish_gets_the_notice_in_app_only(
    history, auditor, generate, mailoutbox
):
    from notifications.models import Notification
    from notifications.services import email_preferences_set

    email_preferences_set(by=auditor, choices={"document_ready": False})
    generate(auditor, "target_dossier", target=history.pk)
    assert Notification.objects.filter(recipient=auditor, kind="document_ready").count() == 1
    assert mailoutbox == []


def test_a_long_ledger_repeats_its_table_header_on_every_page(
    plan_year, aspect, dept_a, dept_b, staff_a, office, generate
):
    import io

    from pypdf import PdfReader

    from tests.documents.test_query_counts import _bulk

    _bulk(40, plan_year=plan_year, aspect=aspect, lead=dept_a, other=dept_b, creator=staff_a)
    content = job_file(generate(office, "year_ledger", year=2027))
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) >= 3
    for page in pages:
        text = "".join(page.extract_text().split())
        assert "序号编号目标一季度节点目标" in text
        assert f"共{len(pages)}页" in text
    render_page(content, "year-ledger-page-2", page=2)


def test_ledger_cells_put_the_indicator_and_the_due_date_on_lines_of_their_own(
    history, office, generate
):
    """The second line of a cell is a newline kept by white-space: pre-line (one text run per
    cell, cheaper to lay out than a <br> element): it still starts a line in the PDF."""
    from django.utils.dateformat import format as date_format

    from targets.templatetags.target_values import plain_number

    lines = [
        line.strip()
        for line in pdf_text(job_file(generate(office, "year_ledger", year=2027))).splitlines()
    ]
    history.refresh_from_db()
    indicator = f"{history.indicator}：{plain_number(history.target_value)}{history.unit}"
    assert indicator in lines
    for milestone in history.milestones.all():
        assert date_format(milestone.due_date, "n月j日") in lines


def test_rendering_pauses_the_cycle_collector_and_restores_it(monkeypatch):
    """render_pdf pauses the cyclic garbage collector only while WeasyPrint works (a sixth of
    the ledger's CPU time), and leaves it as it found it, also when rendering fails."""
    import gc

    from documents import pdf

    monkeypatch.setattr(pdf, "render_to_string", lambda template, context: "<p>x</p>")
    assert gc.isenabled()
    content, pages = pdf.render_pdf("unused.html", {})
    assert content.startswith(b"%PDF") and pages == 1
    assert gc.isenabled()

    class Boom(Exception):
        pass

    def fail(*args, **kwargs):
        assert not gc.isenabled()
        raise Boom

    monkeypatch.setattr(pdf, "_font_config", fail)
    with pytest.raises(Boom):
        pdf.render_pdf("unused.html", {})
    assert gc.isenabled()
    gc.disable()
    try:
        monkeypatch.setattr(pdf, "_font_config", lambda: None)
        pdf.render_pdf("unused.html", {})
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_audit_section_names_each_step_in_its_own_words(
    history, auditor, generate, rendered_html
):
    """Each transition with its own label and its states, each edit with the fields' names and
    before → after, each reason in full (issue 15: labels resolved from the target's own
    transitions and fields when shown)."""
    import re

    generate(auditor, "target_dossier", target=history.pk)
    section = rendered_html[-1].split("全程记录，任何人不能修改或删除")[1]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert "退回修改 已报送 → 已退回 请细化一季度节点目标。" in text
    assert "协商一致 已报送 → 已协商 协商一致，同意按6.8%安排。" in text
    assert "修改 责任与配合部门：— → 市财政局（配合部门）：资金保障 目标值：6.5 → 6.8" in text
    assert "transition" not in text and "targets.target." not in text
