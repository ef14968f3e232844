# ruff: noqa: F811 — the city fixtures are imported below and named as test parameters
"""Quarterly reports (季度报告) and the quarterly summary (季度汇总), Shanghai Art. 17: drafting
and re-drafting, the chain draft → submitted → forwarded → read, instructions and answers, who
may do what, bad input — through the services (moved from tests/dashboards, issue 15 item 7).

The small hand-made city (and the day, 20 July 2027) is tests/dashboards/conftest.py's, shared
with the dashboards that read the same quarter."""

import pytest
from django_celery_beat.models import PeriodicTask

from audit.models import AuditEvent
from execution.models import QuarterlyReport, QuarterlySummary, WarningSnapshot
from execution.services import quarterly as q
from execution.tasks import draft_quarterly_reports
from notifications.models import Notification
from tests.dashboards.conftest import city, mayor, today, year  # noqa: F401
from workflow.errors import Conflict, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafted(city, year):
    q.quarterly_draft(plan_year=year, quarter=2)
    return {r.department.code: r for r in QuarterlyReport.objects.select_related("department")}


@pytest.fixture
def report_a(drafted):
    return drafted["fgw"]


def narrate(report, by, **narratives):
    items = {i.target.code: i.target_id for i in report.items.select_related("target")}
    return q.quarterly_report_update(
        report=report,
        by=by,
        summary="二季度总体平稳。",
        next_steps="三季度加快进度。",
        narratives={items[code]: text for code, text in narratives.items()},
    )


@pytest.fixture
def forwarded(report_a, staff_a, head_a, office):
    narrate(report_a, staff_a, A1="受原材料涨价影响，进度滞后，已调整施工计划。")
    q.quarterly_report_submit(report=report_a, by=head_a)
    return q.quarterly_report_forward(report=report_a, by=office)


def test_drafting_fills_each_department_report_from_the_quarter(drafted, city):
    assert set(drafted) == {"fgw", "czj"}
    a = drafted["fgw"]
    assert a.state == QuarterlyReport.State.DRAFT
    items = {i.target.code: i for i in a.items.select_related("target")}
    assert list(items) == ["A1", "A2", "A3"]
    assert items["A1"].level == "red"
    assert items["A1"].verified_percent == 40
    assert "进度明显滞后" in items["A1"].problems and "A1的问题" in items["A1"].problems
    assert items["A1"].milestone == "A1第二季度节点"
    # A2's report is submitted but not verified: nothing verified to show.
    assert items["A2"].verified_percent is None and items["A2"].level == "green"
    assert items["A3"].level == "yellow" and items["A3"].narrative == ""
    summary = QuarterlySummary.objects.get()
    assert summary.figures["by_level"] == {"red": 2, "yellow": 1, "green": 2}
    assert [r["code"] for r in summary.figures["red"]] == ["A1", "B1"]
    assert summary.figures["per_portfolio"] == {
        "王副市长": {"red": 1, "yellow": 1, "green": 1},
        "刘副市长": {"red": 1, "green": 1},
    }


def test_redrafting_never_overwrites_what_a_person_wrote(report_a, staff_a, city, year):
    narrate(report_a, staff_a, A1="原因说明（部门填写）")
    WarningSnapshot.objects.filter(target=city["A1"], period_start__month=4).update(
        level="yellow", reason=""
    )
    q.quarterly_draft(plan_year=year, quarter=2)
    report_a.refresh_from_db()
    item = report_a.items.get(target=city["A1"])
    assert item.level == "yellow"  # drafted column refreshed
    assert item.narrative == "原因说明（部门填写）"  # the department's words kept
    assert report_a.summary == "二季度总体平稳。"
    assert QuarterlyReport.objects.count() == 2


def test_redrafting_leaves_submitted_reports_alone(report_a, staff_a, head_a, city, year):
    narrate(report_a, staff_a, A1="说明")
    q.quarterly_report_submit(report=report_a, by=head_a)
    WarningSnapshot.objects.filter(target=city["A1"]).update(level="green")
    q.quarterly_draft(plan_year=year, quarter=2)
    assert report_a.items.get(target=city["A1"]).level == "red"


def test_red_target_needs_a_narrative_before_submission(report_a, head_a):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        q.quarterly_report_submit(report=report_a, by=head_a)
    assert "红色预警目标须填写情况说明" in str(exc.value.field_errors) + exc.value.message
    assert "A1" in "".join(exc.value.field_errors["narratives"])
    report_a.refresh_from_db()
    assert report_a.state == QuarterlyReport.State.DRAFT
    assert AuditEvent.objects.count() == events
    assert not Notification.objects.exists()


def test_only_the_head_submits(report_a, staff_a, head_b):
    narrate(report_a, staff_a, A1="说明")
    for user in (staff_a, head_b):
        with pytest.raises(NotPermitted):
            q.quarterly_report_submit(report=report_a, by=user)


def test_too_long_narrative_is_refused_and_nothing_saved(report_a, staff_a, city):
    with pytest.raises(ValidationFailed) as exc:
        q.quarterly_report_update(
            report=report_a,
            by=staff_a,
            summary="好",
            narratives={city["A1"].pk: "长" * 4001},
        )
    assert "不能超过4000字" in "".join(exc.value.field_errors[f"narrative_{city['A1'].pk}"])
    report_a.refresh_from_db()
    assert report_a.summary == ""
    assert report_a.items.get(target=city["A1"]).narrative == ""


def test_the_chain_is_audited_and_tells_the_next_reader(forwarded, vice_mayor, office, staff_a):
    assert forwarded.state == QuarterlyReport.State.FORWARDED
    assert forwarded.leader == vice_mayor
    transitions = [
        event.verb for event in AuditEvent.objects.for_object(forwarded) if event.is_transition
    ]
    assert transitions == ["submit", "forward"]
    assert Notification.objects.filter(recipient=office, kind="quarterly_report").count() == 1
    assert Notification.objects.filter(recipient=vice_mayor, kind="quarterly_report").count() == 1


def test_instruction_marks_read_and_the_department_answers(forwarded, vice_mayor, staff_a):
    instruction = q.quarterly_instruction_create(
        report=forwarded, by=vice_mayor, body="请加快A1进度，月底前报告整改情况。"
    )
    forwarded.refresh_from_db()
    assert forwarded.state == QuarterlyReport.State.READ
    assert Notification.objects.filter(recipient=staff_a, kind="quarterly_instruction").exists()
    q.quarterly_instruction_answer(instruction=instruction, by=staff_a, answer="已调整计划。")
    instruction.refresh_from_db()
    assert instruction.answer == "已调整计划。" and instruction.answered_by == staff_a
    kinds = list(AuditEvent.objects.for_object(forwarded).values_list("changes", flat=True))
    assert any("instructions" in (c or {}) for c in kinds)
    assert any("instruction_answer" in (c or {}) for c in kinds)


def test_empty_instruction_is_refused(forwarded, vice_mayor):
    with pytest.raises(ValidationFailed) as exc:
        q.quarterly_instruction_create(report=forwarded, by=vice_mayor, body="  ")
    assert exc.value.message == "请填写批示内容。"
    assert not forwarded.instructions.exists()


def test_who_may_not_act(forwarded, other_vice_mayor, auditor, staff_b, office):
    for user in (other_vice_mayor, auditor, staff_b, office):
        with pytest.raises(NotPermitted):
            q.quarterly_instruction_create(report=forwarded, by=user, body="批示")
    with pytest.raises(NotPermitted):
        q.quarterly_report_forward(report=forwarded, by=auditor)
    with pytest.raises(Conflict):
        q.quarterly_report_forward(report=forwarded, by=office)


def test_the_mayor_may_instruct_any_forwarded_report(forwarded, mayor):
    q.quarterly_instruction_create(report=forwarded, by=mayor, body="市长批示")
    assert forwarded.instructions.count() == 1


def test_summary_is_edited_and_published_by_the_office(drafted, office, vice_mayor, auditor):
    summary = QuarterlySummary.objects.get()
    with pytest.raises(ValidationFailed):
        q.quarterly_summary_publish(summary=summary, by=office)
    with pytest.raises(NotPermitted):
        q.quarterly_summary_update(summary=summary, by=auditor, text="审计")
    q.quarterly_summary_update(summary=summary, by=office, text="二季度总体进展顺利。")
    q.quarterly_summary_publish(summary=summary, by=office)
    summary.refresh_from_db()
    assert summary.state == QuarterlySummary.State.PUBLISHED
    assert Notification.objects.filter(recipient=vice_mayor, kind="quarterly_report").exists()
    with pytest.raises(Conflict):
        q.quarterly_summary_update(summary=summary, by=office, text="改")


def test_beat_task_drafts_the_quarters_past_their_due_date(city, year):
    # Standing on 20 July 2027: Q1 (due 10 April) and Q2 (due 10 July) are due, Q3 not.
    draft_quarterly_reports.apply()
    assert sorted(set(QuarterlyReport.objects.values_list("quarter", flat=True))) == [1, 2]
    assert QuarterlySummary.objects.count() == 2


def test_default_schedule_row():
    """Each night after a quarter's due date the reports are drafted (Art. 17). The row as its
    data migration creates it: a transactional test before this one may have emptied the table."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("execution.migrations.0004_quarterly_schedule")
    migration.create(apps, None)
    task = PeriodicTask.objects.get(task="execution.draft_quarterly_reports")
    assert (
        task.crontab.timezone.key == "Asia/Shanghai"
        or str(task.crontab.timezone) == "Asia/Shanghai"
    )


def test_unknown_target_in_narratives_is_refused(report_a, staff_a, city):
    for key in ("abc", city["B1"].pk):
        with pytest.raises(ValidationFailed) as exc:
            q.quarterly_report_update(
                report=report_a, by=staff_a, summary="总体", narratives={key: "说明"}
            )
        assert exc.value.message == "报告中没有该目标。"
    report_a.refresh_from_db()
    assert report_a.summary == ""
