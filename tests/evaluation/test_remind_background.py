"""催办全部未提交 behind a confirmation page and in the background (issue 19 item 3; Shanghai 002
五.6 到期提醒): the page counts the unsubmitted sheets, its button queues the round, the raters
are told through the one reminder function, and a progress page shows how far it got."""

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import ScoreSheet
from notifications.models import Notification, ReminderRun
from tests.evaluation.conftest import make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoring(plan_year, city, office, government):
    scheme = make_scheme(
        "zhongshan_2012", year=plan_year, by=office, departments=list(city.values())
    )
    return services.scheme_open_scoring(scheme=scheme, by=office)


def url(scheme):
    return reverse("evaluation:scheme_remind", args=[scheme.pk])


def test_the_button_opens_a_count_and_sends_nothing(client, office, scoring):
    client.force_login(office)
    page = client.get(reverse("evaluation:scheme_progress", args=[scoring.pk]))
    assert url(scoring) in page.content.decode()
    total = ScoreSheet.objects.filter(scheme=scoring).count()
    response = client.get(url(scoring))
    assert response.status_code == 200
    assert f"将催办以下{total}张未提交的评分表" in response.content.decode()
    # The old one-click POST (a 催办 button) also only shows the page.
    assert client.post(url(scoring)).status_code == 200
    assert not Notification.objects.filter(kind="score_sheet_reminder").exists()
    assert not ReminderRun.objects.exists()


def test_confirmed_round_runs_in_the_background_with_progress(
    client, office, scoring, city, staff_b, django_capture_on_commit_callbacks
):
    client.force_login(office)
    total = ScoreSheet.objects.filter(scheme=scoring).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(scoring), {"confirm": "1", "expected": str(total)})
    run = ReminderRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("notifications:run_detail", args=[run.pk])
    assert (run.state, run.total, run.done, run.sent) == ("done", total, total, total)
    assert ScoreSheet.objects.filter(reminded_at__isnull=True).count() == 0
    own_b = ScoreSheet.objects.get(scheme=scoring, department=city["B"], is_self=True)
    assert Notification.objects.filter(recipient=staff_b, object_id=str(own_b.pk)).count() == 1
    page = client.get(response.url)
    assert f"已处理 {total} / {total}" in page.content.decode()


def test_a_changed_count_queues_nothing(client, office, scoring):
    client.force_login(office)
    response = client.post(url(scoring), {"confirm": "1", "expected": "1"})
    assert response.status_code == 409
    assert "已有变化" in response.content.decode()
    assert not ReminderRun.objects.exists()


def test_one_department_only(client, office, scoring, city, django_capture_on_commit_callbacks):
    client.force_login(office)
    department = {"department": str(city["B"].pk)}
    n = len(client.get(url(scoring), department).context["sheets"])
    assert 0 < n < ScoreSheet.objects.filter(scheme=scoring).count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(scoring), {**department, "confirm": "1", "expected": str(n)})
    assert set(
        ScoreSheet.objects.filter(reminded_at__isnull=False).values_list("department", flat=True)
    ) == {city["B"].pk}


@pytest.mark.parametrize("who", ["staff_a", "auditor", "vice_mayor"])
def test_only_the_office_reminds(client, request, scoring, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(url(scoring), {"confirm": "1", "expected": "1"})
    assert response.status_code in (403, 404)
    assert not ReminderRun.objects.exists()


def test_not_while_the_scheme_is_not_scoring(client, office, scoring):
    services.scheme_lock(scheme=scoring, by=office)
    client.force_login(office)
    assert client.get(url(scoring)).status_code == 409
