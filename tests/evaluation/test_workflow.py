"""The evaluation's three state machines on the one workflow path (issue 15): the scheme
(编制中 → 评分中 → 评分已锁定 → 结果已发布, or 已被新版本取代), the score sheet (待评分 → 草稿 →
已提交 → 已锁定) and the feedback (已反馈 → 已签收 → 已报送整改计划).

For each: who may not act is refused through the page (403, nothing moves, nothing recorded)
and through the API (403); every step is recorded once with its own words (Shanghai measures
Art. 14 全程记录; the evaluation steps of Art. 23–25 and Zhongshan Art. 25)."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from evaluation import services
from evaluation.models import EvaluationScheme, Feedback, ScoreSheet
from tests.evaluation.conftest import fill, make_scheme
from workflow.events import timeline
from workflow.transitions import available_transitions

pytestmark = pytest.mark.django_db


def as_user(user):
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def scoring(plan_year, city, office, government):
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[city["A"]])
    return services.scheme_open_scoring(scheme=scheme, by=office)


@pytest.fixture
def published(scoring, city, office):
    fill(scoring, city["A"], {"服务对象满意度": Decimal(12)})
    services.scheme_lock(scheme=scoring, by=office)
    return services.scheme_publish(scheme=scoring, by=office)


@pytest.fixture
def feedback(published, city, office):
    return services.feedback_write(
        scheme=published, department=city["A"], by=office, suggestions="加强公众沟通。"
    )


def labels(obj):
    return [item["label"] for item in timeline(AuditEvent.objects.for_timeline(obj), about=obj)]


# --- the scheme -------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["lock", "open", "publish"])
def test_a_department_may_not_move_a_scheme_on_the_page(client, scoring, staff_a, action):
    """Only the performance office (目标办) opens, locks and publishes (Zhongshan Art. 6)."""
    events = AuditEvent.objects.count()
    client.force_login(staff_a)
    response = client.post(f"/evaluation/schemes/{scoring.pk}/{action}/", {"reason": "x"})
    assert response.status_code == 403 and "目标办" in response.content.decode()
    scoring.refresh_from_db()
    assert scoring.state == EvaluationScheme.State.SCORING
    assert AuditEvent.objects.count() == events


def test_a_department_may_not_lock_a_scheme_through_the_api(scoring, staff_a):
    events = AuditEvent.objects.count()
    response = as_user(staff_a).post(f"/api/v1/evaluation/schemes/{scoring.pk}/lock/")
    assert response.status_code == 403 and "目标办" in response.json()["detail"]
    scoring.refresh_from_db()
    assert scoring.state == EvaluationScheme.State.SCORING
    assert AuditEvent.objects.count() == events


def test_the_scheme_page_offers_the_steps_of_its_transitions(client, scoring, office, staff_a):
    assert available_transitions(scoring, office) == ["lock"]
    assert available_transitions(scoring, staff_a) == []
    client.force_login(office)
    page = client.get(f"/evaluation/schemes/{scoring.pk}/").content.decode()
    assert 'data-action="lock"' in page and 'data-action="publish"' not in page
    assert 'data-action="open"' not in page


def test_the_schemes_timeline_names_each_step(published, office, plan_year, city):
    """Art. 14: 开始评分, 锁定评分, 发布考评结果 — the scheme's own words, not a shared dict's."""
    events = AuditEvent.objects.for_object(published)
    assert list(events.filter(to_state__gt="").values_list("action", flat=True)) == [
        "evaluation.evaluationscheme.open_scoring",
        "evaluation.evaluationscheme.lock",
        "evaluation.evaluationscheme.publish",
    ]
    shown = labels(published)
    assert {"开始评分", "锁定评分", "发布考评结果", "提交评分", "锁定"} <= set(shown)
    publish = events.get(action="evaluation.evaluationscheme.publish")
    assert publish.changes["targets_evaluated"] == [None, 0]
    assert publish.changes["missing_sheets"] == [None, 0]


def test_a_new_version_supersedes_the_old_one_on_its_timeline(scoring, office):
    copy = services.scheme_new_version(scheme=scoring, by=office)
    services.scheme_open_scoring(scheme=copy, by=office)
    scoring.refresh_from_db()
    assert scoring.state == EvaluationScheme.State.SUPERSEDED
    event = AuditEvent.objects.for_object(scoring).get(to_state="superseded")
    assert event.verb == "supersede" and event.from_state == "scoring"
    assert "被新版本取代" in labels(scoring)


# --- the score sheet --------------------------------------------------------------------------


def test_the_office_may_not_fill_a_departments_self_evaluation(client, scoring, office, city):
    """The self-evaluation (自评, Shanghai Art. 25) is the department's own: the office reads it
    and is refused on the page and through the API."""
    sheet = ScoreSheet.objects.get(scheme=scoring, department=city["A"], is_self=True)
    leaf = services.sheet_leaves(sheet).first()
    events = AuditEvent.objects.count()
    client.force_login(office)
    page = client.post(f"/evaluation/sheets/{sheet.pk}/", {"submit": "1", f"points-{leaf.pk}": "1"})
    assert page.status_code == 403
    api = as_user(office).post(
        f"/api/v1/evaluation/sheets/{sheet.pk}/save/",
        {"entries": [{"indicator": leaf.pk, "points": "1"}], "submit": True},
        format="json",
    )
    assert api.status_code == 403
    sheet.refresh_from_db()
    assert sheet.state == ScoreSheet.State.ASSIGNED and not sheet.entries.exists()
    assert AuditEvent.objects.count() == events


def test_a_sheets_timeline_names_saving_submitting_and_locking(scoring, city, staff_a, office):
    sheet = ScoreSheet.objects.get(scheme=scoring, department=city["A"], is_self=True)
    leaves = list(services.sheet_leaves(sheet))
    first = {leaves[0].pk: services.EntryInput(points="1", comment="偏低")}
    services.sheet_save(sheet=sheet, by=staff_a, entries=first, summary="草稿")
    entries = {leaf.pk: services.EntryInput(points=leaf.max_points) for leaf in leaves}
    services.sheet_save(sheet=sheet, by=staff_a, entries=entries, summary="总结", submit=True)
    services.scheme_lock(scheme=scoring, by=office)
    events = AuditEvent.objects.for_object(sheet)
    assert [(e.verb, e.from_state, e.to_state) for e in events] == [
        ("save_draft", "assigned", "draft"),
        ("submit", "draft", "submitted"),
        ("lock", "submitted", "locked"),
    ]
    shown = timeline(events, about=sheet)
    assert [item["label"] for item in shown] == ["暂存评分", "提交评分", "锁定"]
    draft = shown[0]["changes"]
    assert draft[0]["label"] == "评分" and draft[0]["after"] == [f"{leaves[0].name}：1分（偏低）"]
    assert {"label": "自评总结报告", "before": ["—"], "after": ["草稿"]}.items() <= {
        "label": draft[1]["label"],
        "before": draft[1]["before"],
        "after": draft[1]["after"],
    }.items()
    # Each sheet's step shows on the scheme's timeline too.
    assert AuditEvent.objects.for_timeline(scoring).for_object(sheet).count() == 3


# --- the feedback -----------------------------------------------------------------------------


def test_only_the_department_acknowledges_its_feedback(client, feedback, office):
    """Zhongshan Art. 25: the department signs for the suggestions; the office, who wrote them,
    may not — on the page or through the API."""
    events = AuditEvent.objects.count()
    client.force_login(office)
    page = client.post(f"/evaluation/feedback/{feedback.pk}/acknowledge/")
    assert page.status_code == 403 and "被反馈部门" in page.content.decode()
    api = as_user(office).post(f"/api/v1/evaluation/feedback/{feedback.pk}/acknowledge/")
    assert api.status_code == 403
    feedback.refresh_from_db()
    assert feedback.state == Feedback.State.SENT and feedback.acknowledged_by is None
    assert AuditEvent.objects.count() == events


def test_the_feedbacks_timeline_names_acknowledging_and_the_plan(
    client, feedback, published, staff_a
):
    client.force_login(staff_a)
    url = f"/evaluation/schemes/{published.pk}/results/{feedback.department_id}/"
    assert 'data-action="acknowledge"' in client.get(url).content.decode()
    services.feedback_acknowledge(feedback=feedback, by=staff_a)
    assert 'data-action="plan"' in client.get(url).content.decode()
    services.feedback_file_plan(feedback=feedback, by=staff_a, plan="每季度回访。")
    events = AuditEvent.objects.for_object(feedback)
    assert [e.verb for e in events] == ["create", "acknowledge", "file_plan"]
    shown = timeline(events, about=feedback)
    assert [item["label"] for item in shown][1:] == ["签收改进建议", "报送整改计划"]
    assert shown[2]["changes"][0]["label"] == "整改计划"
    assert "签收改进建议" in labels(published)


def test_a_plan_before_acknowledging_is_refused_on_the_page(client, feedback, published, staff_a):
    client.force_login(staff_a)
    response = client.post(f"/evaluation/feedback/{feedback.pk}/plan/", {"plan": "x"})
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/evaluation/schemes/{published.pk}/results/{feedback.department_id}/#feedback"
    )
    page = client.get(response["Location"]).content.decode()
    assert "请先签收改进建议" in page
    feedback.refresh_from_db()
    assert feedback.state == Feedback.State.SENT
