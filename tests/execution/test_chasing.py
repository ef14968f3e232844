"""催报 (issue 19 item 3): the general office and the supervision office chase late progress
reports — one, or every late report of a period or department — after a confirmation page with
the count; the round runs in the background with a progress bar; a report is chased at most once
per working day (Shanghai Art. 14, 16, 18; efficiency opinions 五.6 到期提醒)."""

import datetime

import pytest
from django.urls import reverse

from execution import clock
from execution.models import ReportChase
from notifications.models import Notification, ReminderRun
from targets.models import TargetDepartment
from workdays.models import OfficialDay

from .daily import executing_targets, reports_of

pytestmark = pytest.mark.django_db
URL = "/execution/chase/"
# Q1 reports were due on 10 April 2027 (no date in the calendar: 10 days after the period).
MONDAY = datetime.date(2027, 4, 12)
TUESDAY = datetime.date(2027, 4, 13)
SATURDAY = datetime.date(2027, 4, 17)
NEXT_MONDAY = datetime.date(2027, 4, 19)
Q1 = {"year": 2027, "period": "2027-01-01"}


@pytest.fixture
def late(executing_year, aspect, dept_a, dept_b, staff_a, staff_b, head_a, head_b):
    """A leads 4 targets: one report verified, one submitted, one draft, one nothing; B
    cooperates on the last (its task report missing too); B leads one with nothing filed."""
    targets = executing_targets(
        4, plan_year=executing_year, aspect=aspect, lead=dept_a, created_by=staff_a
    )
    reports_of(targets[:1], department=dept_a, state="verified", created_by=staff_a)
    reports_of(targets[1:2], department=dept_a, state="submitted", created_by=staff_a)
    (draft,) = reports_of(targets[2:3], department=dept_a, state="draft", created_by=staff_a)
    TargetDepartment.objects.create(
        target=targets[3], department=dept_b, role=TargetDepartment.Role.COOPERATING, task="配合"
    )
    b_targets = executing_targets(
        1, plan_year=executing_year, aspect=aspect, lead=dept_b, created_by=staff_b, prefix="B"
    )
    return {"targets": targets, "draft": draft, "b_targets": b_targets}


def _chase(client, params, *, capture):
    page = client.get(URL, params)
    count = page.context["count"]
    with capture(execute=True):
        response = client.post(URL, {**params, "expected": count})
    return page, response


def test_office_chases_a_periods_late_reports_once_per_working_day(
    client, office, late, staff_a, head_a, staff_b, head_b, django_capture_on_commit_callbacks
):
    client.force_login(office)
    with clock.frozen(MONDAY):
        page, response = _chase(client, Q1, capture=django_capture_on_commit_callbacks)
        # A's draft and A's empty one (main), B's task report and B's own target: 4.
        assert page.status_code == 200 and page.context["count"] == 4
        assert "将催报以下4份逾期未报的进展报告" in page.content.decode()
        run = ReminderRun.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("notifications:run_detail", args=[run.pk])
        assert (run.state, run.total, run.done, run.sent, run.skipped) == ("done", 4, 4, 4, 0)
        assert ReportChase.objects.filter(workday=MONDAY).count() == 4
        chased = Notification.objects.filter(kind="progress_report_chased")
        # Each owing department's staff and head, once per report (Art. 15: the head submits).
        assert set(chased.values_list("recipient", flat=True)) == {
            staff_a.pk,
            head_a.pk,
            staff_b.pk,
            head_b.pk,
        }
        assert chased.filter(recipient=staff_a).count() == 2
        assert chased.filter(recipient=staff_b).count() == 2
        # The notice opens the action: the draft's page, or the form for the period.
        draft_url = reverse("execution:report_detail", args=[late["draft"].pk])
        assert chased.filter(recipient=staff_a, url=draft_url).count() == 1
        assert chased.filter(recipient=staff_a, url__endswith="reports/new/?period=2027-01-01")
        before = chased.count()
        # The same day again: nothing left to chase, nothing sent.
        page = client.get(URL, Q1)
        assert page.context["count"] == 0 and page.context["chased_today"] == 4
        response = client.post(URL, {**Q1, "expected": 4})
        assert response.status_code == 400
        assert "今日已催报的不再重复催报" in response.content.decode()
        assert Notification.objects.filter(kind="progress_report_chased").count() == before
    with clock.frozen(TUESDAY):
        _page, _response = _chase(client, Q1, capture=django_capture_on_commit_callbacks)
        assert ReportChase.objects.filter(workday=TUESDAY).count() == 4


def test_a_weekend_chase_counts_for_the_next_working_day(
    client, office, late, django_capture_on_commit_callbacks
):
    client.force_login(office)
    with clock.frozen(SATURDAY):
        _chase(client, Q1, capture=django_capture_on_commit_callbacks)
    assert set(ReportChase.objects.values_list("workday", flat=True)) == {NEXT_MONDAY}
    with clock.frozen(NEXT_MONDAY):
        assert client.get(URL, Q1).context["count"] == 0
    # An official holiday on a weekday counts the same way (the workdays calendar).
    OfficialDay.objects.create(date=TUESDAY, kind="holiday", name="测试假日")
    from workdays.calendar import invalidate

    invalidate()
    with clock.frozen(TUESDAY):
        assert client.get(URL, Q1).context["count"] == 4


def test_one_department_or_one_report(
    client, supervisor, late, dept_b, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    with clock.frozen(MONDAY):
        page = client.get(URL, {**Q1, "department": dept_b.pk})
        assert page.context["count"] == 2
        target = late["targets"][3]
        params = {**Q1, "department": dept_b.pk, "target": target.pk}
        page, response = _chase(client, params, capture=django_capture_on_commit_callbacks)
        assert page.context["count"] == 1
        (chase,) = ReportChase.objects.all()
        assert (chase.target, chase.department) == (target, dept_b)


def test_a_changed_count_queues_nothing(client, office, late, head_a):
    client.force_login(office)
    with clock.frozen(MONDAY):
        response = client.post(URL, {**Q1, "expected": 9})
        assert response.status_code == 409
        assert "现为4份" in response.content.decode()
        assert response.context["count"] == 4
    assert not ReminderRun.objects.exists()
    assert not ReportChase.objects.exists()


def test_nothing_is_late_before_the_due_date(client, office, late):
    client.force_login(office)
    response = client.get(URL, Q1)  # 5 April: due on the 10th
    assert response.context["count"] == 0
    assert 'id="nothing-to-chase"' in response.content.decode()


@pytest.mark.parametrize("who", ["staff_a", "head_a", "vice_mayor", "auditor", "outsider"])
def test_only_the_offices_chase(client, request, late, who):
    client.force_login(request.getfixturevalue(who))
    with clock.frozen(MONDAY):
        assert client.get(URL, Q1).status_code == 403
        assert client.post(URL, {**Q1, "expected": 4}).status_code == 403
    assert not ReminderRun.objects.exists()


def test_unknown_year_is_404(client, office, late):
    client.force_login(office)
    assert client.get(URL, {"year": 1999}).status_code == 404


def test_the_progress_page_is_the_requesters(
    client, office, office2, late, django_capture_on_commit_callbacks
):
    client.force_login(office)
    with clock.frozen(MONDAY):
        _chase(client, Q1, capture=django_capture_on_commit_callbacks)
    run = ReminderRun.objects.get()
    url = reverse("notifications:run_detail", args=[run.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="run-bar"' in page.content.decode() and "已提醒 4 项" in page.content.decode()
    fragment = client.get(url, {"fragment": "1"}).content.decode()
    assert fragment.lstrip().startswith('<div id="run-progress"')
    assert "data-poll" not in fragment  # finished: the page stops asking
    client.force_login(office2)
    assert client.get(url).status_code == 404


def test_a_queued_round_polls(client, office, late):
    """Before the worker takes it, the bar is at 0 and the page keeps asking."""
    client.force_login(office)
    with clock.frozen(MONDAY):
        client.post(URL, {**Q1, "expected": 4})  # on_commit not run: still queued
    run = ReminderRun.objects.get()
    assert run.state == "queued"
    html = client.get(reverse("notifications:run_detail", args=[run.pk])).content.decode()
    assert "data-poll" in html and 'value="0"' in html
