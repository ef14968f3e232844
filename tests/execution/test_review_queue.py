"""The office's review queue of progress reports and its batch 审核 (issue 19 item 1; Shanghai
Art. 14: the general office checks every report; Art. 18: the supervision office may too)."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse

from execution.models import ProgressReport, WarningSnapshot
from execution.services import batch
from targets.models import Milestone
from tests.helpers import act_as
from workflow.errors import Conflict, NotPermitted, ValidationFailed

from .daily import executing_targets, reports_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(executing_year, aspect, dept_a, dept_b, staff_a, head_a):
    """Three submitted reports of A (one late) and one of B, plus a draft of A (not queued)."""
    targets = executing_targets(
        5, plan_year=executing_year, aspect=aspect, lead=dept_a, created_by=staff_a
    )
    on_time = reports_of(
        targets[:2], department=dept_a, state="submitted", created_by=staff_a, submitted_by=head_a
    )
    late = reports_of(
        targets[2:3],
        department=dept_a,
        state="submitted",
        created_by=staff_a,
        submitted_by=head_a,
        late=True,
    )
    draft = reports_of(targets[3:4], department=dept_a, state="draft", created_by=staff_a)
    b_targets = executing_targets(
        1, plan_year=executing_year, aspect=aspect, lead=dept_b, created_by=staff_a, prefix="B"
    )
    of_b = reports_of(b_targets, department=dept_b, state="submitted", created_by=staff_a)
    return {"on_time": on_time, "late": late, "draft": draft, "of_b": of_b}


def _ids(response):
    return [r.pk for r in response.context["reports"]]


def test_queue_lists_every_submitted_report_earliest_due_first(client, office, queue):
    client.force_login(office)
    response = client.get(reverse("execution:review_queue"))
    assert response.status_code == 200
    expected = [r.pk for r in queue["on_time"] + queue["late"] + queue["of_b"]]
    assert sorted(_ids(response)) == sorted(expected)
    assert queue["draft"][0].pk not in _ids(response)
    dues = [r.due_date for r in response.context["reports"]]
    assert dues == sorted(dues)


def test_queue_filters(client, office, queue, dept_b):
    client.force_login(office)
    url = reverse("execution:review_queue")
    assert _ids(client.get(url, {"late": "1"})) == [queue["late"][0].pk]
    assert _ids(client.get(url, {"department": dept_b.pk})) == [queue["of_b"][0].pk]
    assert _ids(client.get(url, {"kind": "cooperating"})) == []
    assert len(_ids(client.get(url, {"period": "2027-01-01"}))) == 4
    assert _ids(client.get(url, {"period": "2027-04-01"})) == []
    red = queue["late"][0].target
    WarningSnapshot.objects.create(
        target=red,
        period_start=red.plan_year.quarter_bounds(1)[0],
        period_end=red.plan_year.quarter_bounds(1)[1],
        level="red",
        expected=Decimal(25),
        computed_at=queue["late"][0].created_at,
    )
    assert _ids(client.get(url, {"warning": "red"})) == [queue["late"][0].pk]
    # What cannot be read is ignored rather than refused: the whole queue.
    assert len(_ids(client.get(url, {"period": "not-a-date", "department": "x"}))) == 4


def test_supervision_office_uses_the_queue_too(client, supervisor, queue):
    client.force_login(supervisor)
    assert client.get(reverse("execution:review_queue")).status_code == 200


@pytest.mark.parametrize("who", ["staff_a", "head_a", "vice_mayor", "auditor", "outsider"])
def test_others_may_not_open_the_queue(client, request, queue, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("execution:review_queue"))
    assert response.status_code == 403
    assert "目标办或督查室" in response.content.decode()


def test_report_opened_from_the_queue_leads_back_to_the_same_place(client, office, queue):
    client.force_login(office)
    place = reverse("execution:review_queue") + "?late=1&page=1"
    report = queue["late"][0]
    response = client.get(
        reverse("execution:report_detail", args=[report.pk]) + "?back=" + quote(place)
    )
    assert response.context["back"] == place
    assert 'id="back-to-queue"' in response.content.decode()
    # Verifying it there returns to the queue where the office was.
    response = client.post(reverse("execution:report_verify", args=[report.pk]), {"back": place})
    assert response.status_code == 302 and response.url == place
    # A back link elsewhere (another site, another page) is never followed.
    for elsewhere in ("https://evil.example/execution/review/", "/targets/"):
        response = client.get(
            reverse("execution:report_detail", args=[queue["on_time"][0].pk])
            + "?back="
            + quote(elsewhere)
        )
        assert response.context["back"] is None


def test_batch_verify_asks_first_then_verifies_exactly_the_listed_reports(client, office, queue):
    client.force_login(office)
    chosen = [r.pk for r in queue["on_time"]]
    response = client.post(reverse("execution:review_verify"), {"ids": chosen, "back": "/x"})
    # First a confirmation page listing them; nothing is verified yet.
    assert response.status_code == 200
    assert sorted(r.pk for r in response.context["reports"]) == sorted(chosen)
    assert "将按填报值审核以下2份进展报告" in response.content.decode()
    assert ProgressReport.objects.filter(state="verified").count() == 0
    response = client.post(
        reverse("execution:review_verify"), {"ids": chosen, "confirm": "1", "back": "/x"}
    )
    assert response.status_code == 302
    assert response.url == reverse("execution:review_queue")  # an unsafe back is not followed
    for report in ProgressReport.objects.filter(pk__in=chosen):
        assert report.state == "verified"
        assert report.verified_value == report.actual_value
        assert report.verified_percent == report.percent_complete
        assert report.verified_by == office
    # Same rules as one by one (Art. 14): the quantitative target's Q1 node target follows the
    # verified value — here no expected value, so it stays pending.
    assert ProgressReport.objects.get(pk=queue["late"][0].pk).state == "submitted"


def test_batch_verify_changed_meanwhile_moves_nothing_and_shows_the_fresh_list(
    client, office, office2, queue
):
    chosen = [r.pk for r in queue["on_time"]]
    # Someone verifies one of them between the confirmation page and its button.
    batch.progress_reports_verify_as_reported(
        reports=ProgressReport.objects.filter(pk=chosen[0]).select_related(
            "target__plan_year", "department"
        ),
        ids=[chosen[0]],
        by=office2,
    )
    client.force_login(office)
    response = client.post(reverse("execution:review_verify"), {"ids": chosen, "confirm": "1"})
    assert response.status_code == 409
    assert [r.pk for r in response.context["reports"]] == [chosen[1]]
    assert "已有变化" in response.content.decode()
    assert ProgressReport.objects.get(pk=chosen[1]).state == "submitted"


def test_batch_verify_with_nothing_ticked(client, office, queue):
    client.force_login(office)
    response = client.post(reverse("execution:review_verify"), {"back": "/execution/review/"})
    assert response.status_code == 302
    assert ProgressReport.objects.filter(state="verified").count() == 0


def test_batch_verify_by_a_department_is_refused(client, head_a, queue):
    client.force_login(head_a)
    chosen = [r.pk for r in queue["on_time"]]
    response = client.post(reverse("execution:review_verify"), {"ids": chosen, "confirm": "1"})
    assert response.status_code == 403
    assert ProgressReport.objects.filter(state="verified").count() == 0


def test_batch_service_all_or_nothing(office, staff_a, queue):
    """A report that cannot be verified (a draft) cancels the batch, naming the report."""
    wanted = queue["on_time"] + queue["draft"]
    reports = ProgressReport.objects.filter(pk__in=[r.pk for r in wanted]).select_related(
        "target__plan_year", "department"
    )
    with pytest.raises(Conflict) as caught:
        batch.progress_reports_verify_as_reported(
            reports=reports, ids=[r.pk for r in wanted], by=office
        )
    assert queue["draft"][0].target.code in caught.value.message
    assert "均未处理" in caught.value.message
    assert ProgressReport.objects.filter(state="verified").count() == 0
    with pytest.raises(NotPermitted):
        batch.progress_reports_verify_as_reported(
            reports=reports.filter(state="submitted"),
            ids=[r.pk for r in queue["on_time"]],
            by=staff_a,
        )
    with pytest.raises(ValidationFailed, match="至少选择"):
        batch.progress_reports_verify_as_reported(reports=[], ids=[], by=office)
    with pytest.raises(ValidationFailed, match="无效"):
        batch.progress_reports_verify_as_reported(reports=[], ids=["x"], by=office)
    assert Milestone.objects.exclude(status="pending").count() == 0


def test_api_filters_the_queue(office, queue, dept_a):
    from rest_framework.test import APIClient

    client = act_as(APIClient(), office)
    url = reverse("progress-report-list")
    response = client.get(url, {"state": "submitted", "is_late": "true", "ordering": "due_date"})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [queue["late"][0].pk]
    response = client.get(url, {"state": "submitted", "warning": "red"})
    assert response.json()["results"] == []
    response = client.get(url, {"warning": "purple"})
    assert response.status_code == 400


# Session, user, access (2), header memberships, the header's unread count, plan year, count,
# page (reports with their warning level), plan years of the switcher, departments.
QUEUE_QUERIES = 11


@pytest.mark.parametrize("n", [10, 300])
def test_queue_query_count_is_fixed(
    client, django_assert_num_queries, executing_year, aspect, dept_a, staff_a, head_a, office, n
):
    targets = executing_targets(
        n, plan_year=executing_year, aspect=aspect, lead=dept_a, created_by=staff_a
    )
    reports_of(targets, department=dept_a, state="submitted", created_by=staff_a)
    client.force_login(office)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("execution:review_queue"), {"page": 2 if n > 50 else 1})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == n


def test_supervision_home_leads_to_the_queue(client, supervisor, auditor):
    client.force_login(supervisor)
    html = client.get(reverse("supervision:home")).content.decode()
    assert 'id="open-review-queue"' in html
    client.force_login(auditor)  # reads everything, verifies nothing
    assert 'id="open-review-queue"' not in client.get(reverse("supervision:home")).content.decode()
