"""The target page: actions offered only to those who may perform them now, the negotiation
thread (Art. 9 协商), versions, and the history timeline nobody can edit (Art. 14)."""

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from targets import services
from targets.models import Target, TargetComment

# Session, user, access (2), the target with its joins, milestones, revisions, history, thread,
# header memberships, the header's unread count: the same however long the history is. The
# target's query also says (EXISTS columns, issue 20) whether it has children, comments,
# cooperating departments and leaders, and each later stage's records (progress reports,
# adjustments, coordination, completion; supervision's orders, findings and external inputs;
# the evaluation's suggestions and deductions): a draft has none, so none of those is read.
DETAIL_QUERIES = 11


def detail(target):
    return reverse("targets:target_detail", args=[target.pk])


def transition(target, action):
    return reverse("targets:target_transition", args=[target.pk, action])


def test_detail_shows_fields_milestones_and_departments(login, staff_a, draft):
    html = login(staff_a).get(detail(draft)).content.decode()
    assert draft.title in html
    assert "地区生产总值增速" in html
    assert "越高越好" in html
    for q in (1, 2, 3, 4):
        assert f"第{q}季度累计增速达到目标进度" in html
    assert "修改</a>" in html


def test_staff_cannot_submit_head_can(login, staff_a, head_a, draft):
    """Art. 10, 15: the head (第一责任人) signs off and submits; staff get 403, state unchanged."""
    client = login(staff_a)
    assert transition(draft, "submit") not in client.get(detail(draft)).content.decode()
    response = client.post(transition(draft, "submit"))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.state == Target.State.DRAFT

    client = login(head_a)
    assert transition(draft, "submit") in client.get(detail(draft)).content.decode()
    response = client.post(transition(draft, "submit"), follow=True)
    assert "当前状态：已报送" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == Target.State.SUBMITTED


def test_office_returns_with_comment_and_department_sees_it(login, office, staff_a, submitted):
    """Art. 9: the office returns a target with its reasons; the department reads them in the
    thread, marked with the transition they came with."""
    client = login(office)
    response = client.post(transition(submitted, "return"), {"comment": ""}, follow=True)
    assert "退回时必须填写退回意见。" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == Target.State.SUBMITTED

    client.post(transition(submitted, "return"), {"comment": "增速目标偏低，请对标全省平均水平。"})
    submitted.refresh_from_db()
    assert submitted.state == Target.State.RETURNED

    html = login(staff_a).get(detail(submitted)).content.decode()
    thread = html.split('id="thread"')[1].split("</section>")[0]
    assert "增速目标偏低，请对标全省平均水平。" in thread
    assert "陈目标办" in thread
    assert "市政府办公厅" in thread or "办公厅" in thread
    assert "随“退回修改”" in thread


def test_confirm_requires_approval_reference(login, office, negotiated):
    """Art. 10–11: confirmation names the approving meeting or document."""
    client = login(office)
    html = client.get(detail(negotiated)).content.decode()
    assert 'name="approval_reference"' in html
    response = client.post(transition(negotiated, "confirm"), follow=True)
    assert "请填写审定该目标的市政府会议或文件文号。" in response.content.decode()
    client.post(transition(negotiated, "confirm"), {"approval_reference": "市政府第12次常务会议"})
    negotiated.refresh_from_db()
    assert negotiated.state == Target.State.CONFIRMED
    html = client.get(detail(negotiated)).content.decode()
    assert "市政府第12次常务会议" in html
    assert transition(negotiated, "start_execution") in html


def test_auditor_reads_but_sees_no_action_buttons(login, auditor, submitted):
    """DESIGN: auditors read everything and change nothing."""
    client = login(auditor)
    response = client.get(detail(submitted))
    html = response.content.decode()
    assert response.status_code == 200
    assert "/transition/" not in html
    assert 'id="actions"' not in html
    assert reverse("targets:target_comment", args=[submitted.pk]) not in html
    assert "修改</a>" not in html
    assert client.post(transition(submitted, "negotiate")).status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == Target.State.SUBMITTED


def test_vice_mayor_reads_portfolio_target_without_actions(login, vice_mayor, submitted):
    html = login(vice_mayor).get(detail(submitted)).content.decode()
    assert submitted.title in html
    assert "/transition/" not in html


def test_unknown_action_is_404(login, office, submitted):
    assert login(office).post(transition(submitted, "delete")).status_code == 404


def test_transition_on_invisible_target_is_404(login, head_b, draft):
    assert login(head_b).post(transition(draft, "submit")).status_code == 404
    draft.refresh_from_db()
    assert draft.state == Target.State.DRAFT


def test_htmx_comment_post_returns_the_thread_partial(login, staff_a, draft):
    url = reverse("targets:target_comment", args=[draft.pk])
    response = login(staff_a).post(url, {"body": "请目标办审阅指标口径。"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card thread" id="thread">')
    assert "<html" not in html
    assert "请目标办审阅指标口径。" in html
    assert TargetComment.objects.get().author == staff_a


def test_htmx_empty_comment_shows_error_in_partial(login, staff_a, draft):
    url = reverse("targets:target_comment", args=[draft.pk])
    response = login(staff_a).post(url, {"body": "  "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "请填写意见内容。" in response.content.decode()
    assert not TargetComment.objects.exists()


def test_comment_without_javascript_redirects_back(login, office, submitted):
    url = reverse("targets:target_comment", args=[submitted.pk])
    response = login(office).post(url, {"body": "请补充基期数据来源。"})
    assert response.status_code == 302
    assert response["Location"].endswith("#thread")
    assert TargetComment.objects.filter(body="请补充基期数据来源。").exists()


def test_auditor_cannot_comment(login, auditor, submitted):
    url = reverse("targets:target_comment", args=[submitted.pk])
    assert login(auditor).post(url, {"body": "x"}).status_code == 403
    assert not TargetComment.objects.exists()


def test_revisions_listed_and_each_version_readable(login, staff_a, draft, aspect, dept_a):
    """A returned target is edited and resubmitted; every earlier version stays visible."""
    from tests.conftest import quantitative_input

    services.target_update(
        target=draft, by=staff_a, data=quantitative_input(aspect, dept_a, title="第二版标题")
    )
    client = login(staff_a)
    html = client.get(detail(draft)).content.decode()
    assert reverse("targets:target_revision", args=[draft.pk, 1]) in html
    assert reverse("targets:target_revision", args=[draft.pk, 2]) in html
    first = client.get(reverse("targets:target_revision", args=[draft.pk, 1])).content.decode()
    assert "全市地区生产总值增长6.5%" in first
    assert "第二版标题" not in first
    assert "目标名称" in first  # field verbose names, not code names
    assert client.get(reverse("targets:target_revision", args=[draft.pk, 9])).status_code == 404


def test_revision_of_invisible_target_is_404(login, staff_b, draft):
    url = reverse("targets:target_revision", args=[draft.pk, 1])
    assert login(staff_b).get(url).status_code == 404


def test_timeline_shows_changes_transitions_and_comments(
    login, staff_a, head_a, office, draft, aspect, dept_a
):
    """Art. 14: every step is recorded — who, when (Beijing time), before → after, comment."""
    from tests.conftest import quantitative_input

    services.target_update(
        target=draft, by=staff_a, data=quantitative_input(aspect, dept_a, unit="个百分点")
    )
    services.target_submit(target=draft, by=head_a)
    services.target_return(target=draft, by=office, comment="请说明测算依据")
    html = login(staff_a).get(detail(draft)).content.decode()
    timeline = html.split('id="timeline"')[1]
    assert "创建" in timeline
    assert "计量单位" in timeline and "个百分点" in timeline  # before → after by verbose name
    assert "拟定" in timeline and "已报送" in timeline and "已退回" in timeline
    assert "请说明测算依据" in timeline
    assert "李主任" in timeline and "陈目标办" in timeline


def test_no_edit_or_delete_controls_for_history(login, office, submitted):
    """Nobody can edit history: the page offers no control on the timeline or thread entries."""
    services.target_comment_add(target=submitted, by=office, body="请补充测算依据")
    html = login(office).get(detail(submitted)).content.decode()
    timeline = html.split('id="timeline"')[1]
    assert "<form" not in timeline and "<button" not in timeline
    entries = html.split('class="thread__list"')[1].split("</ol>")[0]
    assert "<form" not in entries and "<button" not in entries


def test_not_found_page_still_shows_who_is_signed_in(login, staff_b, draft):
    """The header's department · role line comes from a context processor, so error pages have
    it too."""
    response = login(staff_b).get(detail(draft))
    assert response.status_code == 404
    assert "财政局 · 部门填报员" in response.content.decode()


def _with_events(target, people, n):
    """Grow the target's history to ``n`` audit events (its creation plus thread messages from
    different people, so each event has its own actor to show)."""
    for i in range(n - 1):
        services.target_comment_add(target=target, by=people[i % len(people)], body=f"意见{i}")
    assert AuditEvent.objects.for_object(target).count() == n


@pytest.mark.parametrize("events", [1, 100])
def test_detail_page_queries_do_not_grow_with_the_history(
    login, staff_a, office, draft, django_assert_num_queries, events
):
    """Issue 11: the timeline joined each event's actor one query at a time (116 queries for
    101 events)."""
    _with_events(draft, [staff_a, office], events)
    client = login(User.objects.get(pk=staff_a.pk))
    # One event is the creation alone: no comment, so no thread to read.
    with django_assert_num_queries(DETAIL_QUERIES if events > 1 else DETAIL_QUERIES - 1):
        response = client.get(detail(draft))
    assert response.status_code == 200
    assert response.content.decode().count("timeline__item--") == events


def _notice(html):
    if 'id="return-reason"' not in html:
        return None
    return html.split('id="return-reason"')[1].split("</section>")[0]


def test_returned_target_shows_the_latest_return_reason_at_the_top(
    login, staff_a, head_a, office, submitted
):
    """Issue 11: the department reads why it was returned first, not at the end of the thread
    (Art. 9 协商)."""
    services.target_return(target=submitted, by=office, comment="第一次：请补充节点目标")
    services.target_submit(target=submitted, by=head_a)
    services.target_comment_add(target=submitted, by=office, body="协商中的其他意见")
    services.target_return(target=submitted, by=office, comment="第二次：目标值偏低")
    html = login(staff_a).get(detail(submitted)).content.decode()
    notice = _notice(html)
    assert notice is not None
    assert "第二次：目标值偏低" in notice and "陈目标办" in notice
    assert "第一次" not in notice and "协商中的其他意见" not in notice
    # At the top: before the content, the thread and the timeline.
    assert html.index('id="return-reason"') < html.index("目标内容")


def test_no_return_notice_unless_the_target_is_returned_now(login, staff_a, head_a, returned):
    assert _notice(login(staff_a).get(detail(returned)).content.decode()) is not None
    services.target_submit(target=returned, by=head_a)
    assert _notice(login(staff_a).get(detail(returned)).content.decode()) is None
