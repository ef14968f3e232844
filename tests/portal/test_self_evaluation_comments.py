"""The annual self-evaluation report published for comment (002 七.3: 向社会公示年度自我综合效能
评价报告，接受评议; issue 21 items 4 and 6): the office approves a department's submitted
self-evaluation with a comment period; citizens comment during it; the office publishes or
withholds each comment (with a reason, never editing it); the department answers publicly; a
published comment becomes an external input (公众评议) of the evaluation; comments are limited per
address; the public pages are cached and move on when a comment is published or answered."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from evaluation import services as evaluation
from evaluation.models import ScoreSheet
from portal import reports
from portal.fields import (
    COMMENT_FIELDS,
    REPORT_API_FIELDS,
    REPORT_FIELDS,
    REPORT_INDICATOR_FIELDS,
)
from portal.models import PublicComment, PublicReport
from supervision.models import ExternalInput
from tests.evaluation.conftest import make_scheme
from workflow.errors import Conflict, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db

D = datetime.date
SUMMARY = "市发展改革委2027年度自评报告：重大项目按节点推进，存在的问题已列入整改清单。"
ENTRY_COMMENT = "内部评分说明：依据考评细则逐项评定"


@pytest.fixture
def self_sheet(plan_year, dept_a, dept_b, staff_a, office, government):
    """Department A's self-evaluation under the Zhongshan scheme, submitted with its summary."""
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[dept_a, dept_b])
    evaluation.scheme_open_scoring(scheme=scheme, by=office)
    sheet = ScoreSheet.objects.get(scheme=scheme, department=dept_a, is_self=True)
    entries = {
        leaf.pk: evaluation.EntryInput(points=leaf.max_points, comment=ENTRY_COMMENT)
        for leaf in evaluation.sheet_leaves(sheet)
    }
    evaluation.sheet_save(sheet=sheet, by=staff_a, entries=entries, summary=SUMMARY, submit=True)
    sheet.refresh_from_db()
    return sheet


@pytest.fixture
def report(self_sheet, office, today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return reports.report_approve(
            sheet=self_sheet,
            by=office,
            opens=today - datetime.timedelta(days=5),
            closes=today + datetime.timedelta(days=25),
        )


@pytest.fixture
def pending(report):
    return reports.comment_submit(report=report, text="建议公开重大项目清单。", name="王先生")


def publish(comment, by, capture):
    with capture(execute=True):
        return reports.comment_publish(comment=comment, by=by)


# --- approval --------------------------------------------------------------------------------


def test_the_office_approves_a_snapshot_of_the_documented_fields(report, self_sheet, office):
    data = report.data
    assert set(data) == set(REPORT_FIELDS)
    assert data["summary"] == SUMMARY
    assert data["department"] == {"id": self_sheet.department_id, "name": "市发展改革委"}
    assert data["indicators"]
    for indicator in data["indicators"]:
        assert set(indicator) == set(REPORT_INDICATOR_FIELDS)
    assert Decimal(data["total_points"]) == Decimal(data["max_points"]) > 0
    # The raters' comments on entries stay internal.
    assert ENTRY_COMMENT not in str(data)
    event = AuditEvent.objects.for_object(report).get()
    assert event.actor == office and event.action == "portal.publicreport.create"


def test_the_snapshot_does_not_follow_later_changes_of_the_sheet(report, self_sheet):
    ScoreSheet.objects.filter(pk=self_sheet.pk).update(summary="后来改动的文字")
    report.refresh_from_db()
    assert report.data["summary"] == SUMMARY


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "supervisor", "auditor", "staff_b"])
def test_only_the_office_approves(request, self_sheet, today, persona):
    with pytest.raises(NotPermitted):
        reports.report_approve(
            sheet=self_sheet,
            by=request.getfixturevalue(persona),
            opens=today,
            closes=today + datetime.timedelta(days=20),
        )
    assert not PublicReport.objects.exists()


def test_a_department_cannot_approve_on_the_page(client, self_sheet, staff_a, today):
    client.force_login(staff_a)
    response = client.post(
        reverse("portal:report_approve"),
        {
            "sheet": self_sheet.pk,
            "opens": str(today),
            "closes": str(today + datetime.timedelta(20)),
        },
    )
    assert response.status_code == 403
    assert not PublicReport.objects.exists()


def test_the_office_approves_on_the_page(client, self_sheet, office, today):
    client.force_login(office)
    page = client.get(reverse("portal:manage_reports"))
    assert f'name="sheet" value="{self_sheet.pk}"' in page.content.decode()
    response = client.post(
        reverse("portal:report_approve"),
        {
            "sheet": self_sheet.pk,
            "opens": str(today),
            "closes": str(today + datetime.timedelta(20)),
        },
    )
    assert response.status_code == 302
    assert PublicReport.objects.get().comment_closes == today + datetime.timedelta(20)


def test_an_unsubmitted_self_evaluation_cannot_be_published(
    plan_year, dept_a, dept_b, office, government, today
):
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[dept_a, dept_b])
    evaluation.scheme_open_scoring(scheme=scheme, by=office)
    sheet = ScoreSheet.objects.get(scheme=scheme, department=dept_a, is_self=True)
    with pytest.raises(Conflict, match="尚未提交"):
        reports.report_approve(
            sheet=sheet, by=office, opens=today, closes=today + datetime.timedelta(days=20)
        )
    other = ScoreSheet.objects.filter(scheme=scheme, is_self=False).first()
    with pytest.raises(Conflict, match="只有部门自评表"):
        reports.report_approve(
            sheet=other, by=office, opens=today, closes=today + datetime.timedelta(days=20)
        )


@pytest.mark.parametrize(
    ("opens", "closes", "field"),
    [
        (None, 20, "opens"),
        (0, None, "closes"),
        (0, 2, "closes"),  # three days: too short to comment
        (0, 200, "closes"),
        (-40, -10, "closes"),  # already over
    ],
)
def test_a_bad_comment_period_is_refused(self_sheet, office, today, opens, closes, field):
    def day(n):
        return None if n is None else today + datetime.timedelta(days=n)

    with pytest.raises(ValidationFailed) as caught:
        reports.report_approve(sheet=self_sheet, by=office, opens=day(opens), closes=day(closes))
    assert field in caught.value.field_errors
    assert not PublicReport.objects.exists()


def test_one_report_per_department_and_year(report, self_sheet, office, today):
    with pytest.raises(Conflict, match="已经公示"):
        reports.report_approve(
            sheet=self_sheet, by=office, opens=today, closes=today + datetime.timedelta(days=20)
        )


# --- commenting ------------------------------------------------------------------------------


def test_a_citizen_comments_during_the_period_and_it_waits_for_moderation(client, report):
    url = reverse("portal:comment", args=[report.pk])
    response = client.post(url, {"text": "建议列明整改时限。", "name": ""})
    assert response.status_code == 200
    assert "评议已提交" in response.content.decode()
    comment = PublicComment.objects.get()
    assert (comment.state, comment.text, comment.name) == ("pending", "建议列明整改时限。", "")
    # Nothing public yet: neither the page nor the JSON shows it.
    assert (
        "建议列明整改时限"
        not in client.get(reverse("portal:report", args=[report.pk])).content.decode()
    )
    assert client.get(reverse("portal:api_report", args=[report.pk])).json()["comments"] == []


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [(3, 30, "评议期自"), (-30, -1, "评议期已于")],
)
def test_no_comment_outside_the_period(client, report, today, opens, closes, message):
    PublicReport.objects.filter(pk=report.pk).update(
        comment_opens=today + datetime.timedelta(days=opens),
        comment_closes=today + datetime.timedelta(days=closes),
    )
    page = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert 'name="text"' not in page
    response = client.post(reverse("portal:comment", args=[report.pk]), {"text": "迟到的评议"})
    assert response.status_code == 409
    assert message in response.content.decode()
    assert not PublicComment.objects.exists()


def test_the_form_shows_during_the_period(client, report):
    page = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert 'name="text"' in page and 'name="name"' in page
    # Minimal personal data: no e-mail or telephone field.
    assert 'type="email"' not in page and 'name="email"' not in page


def test_empty_and_overlong_comments_are_refused(client, report):
    url = reverse("portal:comment", args=[report.pk])
    response = client.post(url, {"text": "  "})
    assert response.status_code == 400 and "请填写评议内容" in response.content.decode()
    response = client.post(url, {"text": "长" * 1001})
    assert response.status_code == 400 and "不能超过1000字" in response.content.decode()
    response = client.post(url, {"text": "好", "name": "名" * 41})
    assert response.status_code == 400 and "署名不能超过40字" in response.content.decode()
    assert not PublicComment.objects.exists()


def test_comments_are_rate_limited_per_address(client, settings, report):
    settings.RATELIMIT_ENABLE = True
    settings.PORTAL_RATE_COMMENT = "2/h"
    url = reverse("portal:comment", args=[report.pk])
    for i in range(2):
        assert client.post(url, {"text": f"评议{i}"}).status_code == 200
    response = client.post(url, {"text": "第三条"})
    assert response.status_code == 429
    assert "评议过多" in response.content.decode()
    # Another address is not limited.
    assert client.post(url, {"text": "另一地址"}, REMOTE_ADDR="10.0.0.9").status_code == 200
    assert PublicComment.objects.count() == 3


def test_an_unpublished_report_answers_404(client):
    assert client.get(reverse("portal:report", args=[999])).status_code == 404
    assert client.get(reverse("portal:reports", args=[2027])).status_code == 404
    assert client.post(reverse("portal:comment", args=[999]), {"text": "x"}).status_code == 404


# --- moderation ------------------------------------------------------------------------------


def test_publishing_shows_the_comment_and_feeds_the_evaluation(
    client, pending, report, office, dept_a, django_capture_on_commit_callbacks
):
    page_url = reverse("portal:report", args=[report.pk])
    assert "建议公开重大项目清单" not in client.get(page_url).content.decode()
    publish(pending, office, django_capture_on_commit_callbacks)
    # The cached page moved on at once.
    assert "建议公开重大项目清单" in client.get(page_url).content.decode()
    data = client.get(reverse("portal:api_report", args=[report.pk])).json()
    assert set(data) == set(REPORT_API_FIELDS) | set(REPORT_FIELDS)
    assert [set(c) for c in data["comments"]] == [set(COMMENT_FIELDS)]
    assert data["comments"][0]["name"] == "王先生"
    # The same path as a hotline work order: an external input about the department.
    pending.refresh_from_db()
    item = pending.external_input
    assert item.source == ExternalInput.Source.PUBLIC_COMMENT
    assert item.summary == "建议公开重大项目清单。"
    assert list(item.departments.all()) == [dept_a]
    assert item.recorded_by == office
    assert item.plan_year.year == report.year
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"portal.publiccomment.publish", "supervision.externalinput.create"} <= actions


def test_withholding_needs_a_reason_and_never_shows(
    client, pending, report, office, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationFailed):
        reports.comment_withhold(comment=pending, by=office, reason=" ")
    assert PublicComment.objects.get().state == "pending"
    reports.comment_withhold(comment=pending, by=office, reason="含个人隐私信息")
    comment = PublicComment.objects.get()
    assert (comment.state, comment.reason) == ("withheld", "含个人隐私信息")
    assert comment.text == "建议公开重大项目清单。"
    event = AuditEvent.objects.get(action="portal.publiccomment.withhold")
    assert event.comment == "含个人隐私信息"
    assert not ExternalInput.objects.exists()
    assert (
        "建议公开重大项目清单"
        not in client.get(reverse("portal:report", args=[report.pk])).content.decode()
    )
    assert client.get(reverse("portal:api_report", args=[report.pk])).json()["comments"] == []
    # A decision is final: the withheld comment cannot be published afterwards.
    with pytest.raises(Conflict):
        publish(comment, office, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "supervisor", "staff_b"])
def test_only_the_office_moderates(request, pending, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotPermitted):
        reports.comment_publish(comment=pending, by=user)
    with pytest.raises(NotPermitted):
        reports.comment_withhold(comment=pending, by=user, reason="理由")
    assert PublicComment.objects.get().state == "pending"


def test_comments_are_never_edited(client, pending, office):
    """No edit path: the moderation page publishes the text as written, whatever else is posted;
    there is no edit URL; a decided comment cannot be decided again."""
    client.force_login(office)
    response = client.post(
        reverse("portal:comment_decide", args=[pending.pk, "publish"]),
        {"text": "改过的文字", "name": "改过的署名"},
    )
    assert response.status_code == 302
    comment = PublicComment.objects.get()
    assert (comment.state, comment.text, comment.name) == (
        "published",
        "建议公开重大项目清单。",
        "王先生",
    )
    for verb in ("edit", "update", "change"):
        url = f"/gongkai/manage/comments/{pending.pk}/{verb}/"
        assert client.post(url, {"text": "改过的文字"}).status_code == 404
    assert PublicComment.objects.get().text == "建议公开重大项目清单。"
    # The services offer no way to change a comment's text.
    assert not [name for name in dir(reports) if "edit" in name or "update" in name]


def test_the_moderation_page_lists_paginates_and_has_an_empty_state(client, report, office):
    client.force_login(office)
    url = reverse("portal:moderation")
    assert "没有该状态的评议" in client.get(url).content.decode()
    for i in range(25):
        reports.comment_submit(report=report, text=f"第{i:02d}条评议")
    first = client.get(url).content.decode()
    assert "第00条评议" in first and "第20条评议" not in first
    assert "第 1 / 2 页" in first
    second = client.get(url + "?page=2").content.decode()
    assert "第20条评议" in second and "第00条评议" not in second
    assert "没有该状态的评议" in client.get(url + "?state=withheld").content.decode()


def test_the_moderation_page_is_the_offices(client, report, staff_a):
    client.force_login(staff_a)
    assert client.get(reverse("portal:moderation")).status_code == 403


def test_withholding_on_the_page_without_a_reason_is_refused(client, pending, office):
    client.force_login(office)
    response = client.post(
        reverse("portal:comment_decide", args=[pending.pk, "withhold"]), {"reason": ""}
    )
    assert response.status_code == 302
    assert PublicComment.objects.get().state == "pending"
    page = client.get(response["Location"]).content.decode()
    assert "请写明不予公开的理由" in page


# --- answers ---------------------------------------------------------------------------------


def test_the_department_answers_publicly(
    client, pending, report, office, head_a, django_capture_on_commit_callbacks
):
    publish(pending, office, django_capture_on_commit_callbacks)
    page_url = reverse("portal:report", args=[report.pk])
    client.get(page_url)  # cached
    with django_capture_on_commit_callbacks(execute=True):
        reports.comment_answer(comment=pending, by=head_a, answer="项目清单已在门户网站公开。")
    assert "项目清单已在门户网站公开" in client.get(page_url).content.decode()
    comment = client.get(reverse("portal:api_report", args=[report.pk])).json()["comments"][0]
    assert comment["answer"] == "项目清单已在门户网站公开。"
    assert comment["answered_on"] is not None
    event = AuditEvent.objects.get(action="portal.publiccomment.answer")
    assert event.actor == head_a
    # Once answered, the answer stands.
    with pytest.raises(Conflict):
        reports.comment_answer(comment=pending, by=head_a, answer="另一个答复")


@pytest.mark.parametrize("persona", ["staff_b", "head_b", "office", "supervisor"])
def test_only_the_reports_department_answers(
    request, pending, office, persona, django_capture_on_commit_callbacks
):
    publish(pending, office, django_capture_on_commit_callbacks)
    with pytest.raises(NotPermitted):
        reports.comment_answer(
            comment=pending, by=request.getfixturevalue(persona), answer="越权答复"
        )
    assert PublicComment.objects.get().answer == ""


def test_a_pending_comment_cannot_be_answered(pending, staff_a):
    with pytest.raises(Conflict):
        reports.comment_answer(comment=pending, by=staff_a, answer="答复")


def test_the_department_answers_on_its_page(
    client, pending, office, staff_a, staff_b, django_capture_on_commit_callbacks
):
    publish(pending, office, django_capture_on_commit_callbacks)
    client.force_login(staff_b)
    assert (
        "建议公开重大项目清单" not in client.get(reverse("portal:manage_reports")).content.decode()
    )
    response = client.post(reverse("portal:comment_answer", args=[pending.pk]), {"answer": "越权"})
    assert response.status_code == 403
    client.force_login(staff_a)
    assert "建议公开重大项目清单" in client.get(reverse("portal:manage_reports")).content.decode()
    response = client.post(
        reverse("portal:comment_answer", args=[pending.pk]), {"answer": "已采纳"}
    )
    assert response.status_code == 302
    assert PublicComment.objects.get().answer == "已采纳"


# --- public pages ----------------------------------------------------------------------------


def test_a_cached_report_page_runs_no_query(client, report, django_assert_num_queries):
    url = reverse("portal:report", args=[report.pk])
    first = client.get(url).content
    with django_assert_num_queries(0):
        assert client.get(url).content == first
    listing = reverse("portal:reports", args=[report.year])
    assert f'href="{url}"' in client.get(listing).content.decode()
    assert f'href="{listing}"' in client.get(reverse("portal:index")).content.decode()


def test_the_report_page_in_english(client, report):
    page = client.get(reverse("portal:report", args=[report.pk]) + "?lang=en")
    assert page.status_code == 200
    assert 'lang="en"' in page.content.decode()


def test_the_department_page_lists_its_reports_with_an_empty_state(
    client, published, self_sheet, dept_a, office, today, django_capture_on_commit_callbacks
):
    url = reverse("portal:department", args=[dept_a.pk])
    page = client.get(url).content.decode()
    assert "暂无公示的自评报告。" in page
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_approve(
            sheet=self_sheet,
            by=office,
            opens=today,
            closes=today + datetime.timedelta(days=20),
        )
    # Approving moved the public cache on: the cached page shows the report at once.
    page = client.get(url).content.decode()
    assert "暂无公示的自评报告。" not in page
    assert f'href="{reverse("portal:report", args=[report.pk])}"' in page
    assert f"{report.year}年度自评报告" in page
    english = client.get(url + "?lang=en").content.decode()
    assert f'href="{reverse("portal:report", args=[report.pk])}?lang=en"' in english


# --- the public error path ---------------------------------------------------------------------


def test_a_refused_comment_answers_through_the_public_error_path(
    client, report, today, monkeypatch
):
    """The view catches nothing (``tests/deploy/test_house_rules.py``): the service's refusal
    reaches ``workflow.pages.public_errors``, which renders it on the portal's message page with
    the service's message and status (409: outside the period)."""
    import workflow.pages

    explained = []
    error_text = workflow.pages.error_text
    monkeypatch.setattr(
        workflow.pages, "error_text", lambda exc: explained.append(exc) or error_text(exc)
    )
    PublicReport.objects.filter(pk=report.pk).update(
        comment_opens=today - datetime.timedelta(days=30),
        comment_closes=today - datetime.timedelta(days=1),
    )
    response = client.post(reverse("portal:comment", args=[report.pk]), {"text": "迟到的评议"})
    assert response.status_code == 409
    assert [type(e) for e in explained] == [Conflict]
    assert response.templates[0].name == "portal/message.html"
    closed = (today - datetime.timedelta(days=1)).isoformat()
    assert response.context["title"] == "未能提交评议"
    assert response.context["message"] == f"评议期已于{closed}结束，不再接受评议。"
    english = client.post(
        reverse("portal:comment", args=[report.pk]) + "?lang=en", {"text": "late"}
    )
    assert english.status_code == 409 and "Comment not submitted" in english.content.decode()


def test_a_bad_state_on_the_moderation_page_shows_the_queue(client, pending, office):
    client.force_login(office)
    response = client.get(reverse("portal:moderation"), {"state": "bogus"})
    assert response.status_code == 200
    assert response.context["state"] == "pending"
    assert "建议公开重大项目清单" in response.content.decode()
