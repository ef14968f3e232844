"""Evaluation through notifications' one path (issue 7 item 3): score-sheet reminders (评分催办,
Shanghai 002 五.6 到期提醒) are notifications — in-app, e-mail from the outbox after commit —
told only to the sheet's raters, who may read it."""

import pytest

from evaluation import services
from evaluation.models import ScoreSheet
from notifications.models import Notification
from notifications.services import notify
from tests.evaluation.conftest import make_scheme
from workflow.errors import NotPermitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoring(plan_year, city, office, government):
    scheme = make_scheme(
        "zhongshan_2012", year=plan_year, by=office, departments=list(city.values())
    )
    return services.scheme_open_scoring(scheme=scheme, by=office)


def test_a_reminder_is_an_in_app_notice_to_the_raters_linking_to_the_sheet(
    scoring, city, office, staff_a, staff_b, django_capture_on_commit_callbacks, mailoutbox
):
    own = ScoreSheet.objects.get(scheme=scoring, department=city["B"], is_self=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.scheme_remind(scheme=scoring, by=office, department_id=city["B"].pk)
    notices = Notification.objects.filter(kind="score_sheet_reminder", object_id=str(own.pk))
    assert [n.recipient for n in notices] == [staff_b]
    notice = notices.get()
    assert notice.url == f"/evaluation/sheets/{own.pk}/"
    assert "评分催办" in notice.title and "部门自评" in notice.title
    # staff_a rates nothing about department B's self-evaluation: told nothing about it.
    assert not Notification.objects.filter(recipient=staff_a, object_id=str(own.pk)).exists()
    assert any(m.to == [staff_b.email] and "部门自评" in m.subject for m in mailoutbox)


def test_each_reminder_round_is_sent_once_and_a_second_round_reminds_again(
    scoring, city, office, staff_b, django_capture_on_commit_callbacks
):
    own = ScoreSheet.objects.get(scheme=scoring, department=city["B"], is_self=True)
    key = f"sheet-remind-{own.pk}-round-1"
    assert services.send_sheet_reminder(own, key=key) == 1
    assert services.send_sheet_reminder(own, key=key) == 0  # the same round again: nothing
    services.scheme_remind(scheme=scoring, by=office, department_id=city["B"].pk)
    assert Notification.objects.filter(recipient=staff_b, object_id=str(own.pk)).count() == 2


def test_nobody_is_told_about_a_sheet_they_may_not_read(scoring, city, staff_a, outsider):
    own_b = ScoreSheet.objects.get(scheme=scoring, department=city["B"], is_self=True)
    assert (
        notify(recipients=[staff_a, outsider], kind="score_sheet_reminder", title="x", obj=own_b)
        == []
    )


def test_only_the_office_reminds(scoring, staff_a, auditor):
    for user in (staff_a, auditor):
        with pytest.raises(NotPermitted):
            services.scheme_remind(scheme=scoring, by=user)
    assert not Notification.objects.filter(kind="score_sheet_reminder").exists()
