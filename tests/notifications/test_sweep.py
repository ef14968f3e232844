"""The deadline sweep (efficiency opinions 三.4 限时办结, 五.6 到期提醒): node targets of
executing targets remind the lead department's staff and head 3 and 1 working days before the
due date, on the day and the working day after; overdue ones escalate to the department head,
then to the general office. Days are counted on the official calendar."""

import datetime
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection

from notifications import reminders
from notifications.models import Notification
from notifications.services import email_preferences_set
from targets.models import Milestone
from targets.selectors import visible_targets
from workdays.calendar import current_calendar

from .conftest import DUE, add_milestones, executing_target

pytestmark = pytest.mark.django_db
D = datetime.date


def sweep(day):
    return reminders.sweep(today=day)


def sent(**filters):
    """(recipient username, stage) of the reminders written, sorted."""
    rows = Notification.objects.filter(key__startswith="r:", **filters)
    return sorted((n.recipient.username, n.key.rsplit(":", 1)[1]) for n in rows)


def test_reminders_fall_on_working_days_around_the_national_day_holiday(
    milestone_a, staff_a, head_a, office
):
    """Due Friday 9 October 2026, right after the National Day week (10月1日至7日放假)."""
    by_day = {}
    day = D(2026, 9, 20)
    while day <= D(2026, 10, 20):
        before = set(Notification.objects.values_list("pk", flat=True))
        sweep(day)
        new = Notification.objects.exclude(pk__in=before)
        if new:
            by_day[day] = sorted((n.recipient.username, n.key.rsplit(":", 1)[1]) for n in new)
        day += datetime.timedelta(days=1)
    assert by_day == {
        D(2026, 9, 29): [("head_a", "before3"), ("staff_a", "before3")],
        D(2026, 10, 8): [("head_a", "before1"), ("staff_a", "before1")],
        D(2026, 10, 9): [("head_a", "due"), ("staff_a", "due")],
        # the 调休 Saturday is a working day: the overdue reminder goes out on it
        D(2026, 10, 10): [("head_a", "overdue"), ("staff_a", "overdue")],
        D(2026, 10, 13): [("head_a", "head")],
        D(2026, 10, 15): [("office", "office")],
    }


def test_the_messages_say_what_is_due_when_and_link_to_the_target(milestone_a, staff_a):
    sweep(D(2026, 9, 29))
    n = Notification.objects.get(recipient=staff_a)
    assert n.kind == "deadline"
    assert milestone_a.target.code in n.title and "3个工作日" in n.title
    assert "2026-10-09" in n.body and "节点目标" in n.body
    assert n.url == f"/targets/{milestone_a.target_id}/#milestones"
    assert n.obj == milestone_a
    assert n.content_type == ContentType.objects.get_for_model(Milestone)


def test_escalation_names_the_department_and_the_days_overdue(milestone_a, head_a, office):
    sweep(D(2026, 10, 13))
    to_head = Notification.objects.get(recipient=head_a, kind="escalation")
    assert "逾期3个工作日" in to_head.body and "市发展改革委" in to_head.title
    sweep(D(2026, 10, 15))
    to_office = Notification.objects.get(recipient=office)
    assert to_office.kind == "escalation" and "逾期5个工作日" in to_office.body


def test_a_second_run_of_the_same_day_sends_nothing(
    milestone_a, staff_a, head_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = sweep(DUE)
    assert first.notifications == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff_a.email, head_a.email])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = sweep(DUE)
    assert again.items == 1 and again.notifications == 0
    assert mail.outbox == []
    assert sent() == [("head_a", "due"), ("staff_a", "due")]


def test_a_missed_day_is_caught_up_the_next_working_day_without_doubling(milestone_a):
    # 29 September (3 working days before) the broker was down: the 30th catches up.
    sweep(D(2026, 9, 30))
    assert sent() == [("head_a", "before3"), ("staff_a", "before3")]
    sweep(D(2026, 9, 30))
    assert len(sent()) == 2


def test_a_late_sweep_sends_only_the_latest_reminder_not_all_it_missed(milestone_a):
    # Nothing ran from 29 September to 10 October: on Monday 12 October the owners hear once
    # that it is overdue, not three stale "due soon" messages.
    sweep(D(2026, 10, 12))
    assert sent() == [("head_a", "overdue"), ("staff_a", "overdue")]
    # …and the escalations still come on their own days.
    sweep(D(2026, 10, 13))
    sweep(D(2026, 10, 15))
    assert sent(kind="escalation") == [("head_a", "head"), ("office", "office")]


def test_nothing_is_sent_on_holidays_or_weekends(milestone_a):
    for day in (D(2026, 10, 3), D(2026, 10, 11), D(2026, 9, 26)):
        result = sweep(day)
        assert not result.working_day and result.notifications == 0
    assert not Notification.objects.exists()


def test_achieved_node_targets_and_targets_not_in_execution_are_not_reminded(
    milestone_a, year_2026, dept_b, staff_b, head_b, office
):
    Milestone.objects.filter(pk=milestone_a.pk).update(status=Milestone.Status.ACHIEVED)
    other = executing_target(year_2026, dept_b, staff_b, head_b, office, title="财政收入增长")
    other.milestones.update(due_date=DUE)
    from targets.models import Target

    Target.objects.filter(pk=other.pk).update(state=Target.State.CONFIRMED)
    result = sweep(DUE)
    assert result.items == 0 and not Notification.objects.exists()


def test_nobody_is_reminded_about_a_target_they_cannot_read(
    milestone_a,
    year_2026,
    dept_b,
    staff_b,
    head_b,
    office,
    vice_mayor,
    supervisor,
    auditor,
    outsider,
):
    executing_target(year_2026, dept_b, staff_b, head_b, office, title="财政收入增长")
    for day in (D(2026, 9, 29), D(2026, 10, 9), D(2026, 10, 13), D(2026, 10, 15)):
        sweep(day)
    recipients_of_a = set(
        Notification.objects.filter(object_id=str(milestone_a.pk)).values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients_of_a == {"staff_a", "head_a", "office"}
    # Every reminder's recipient may read the target it is about (the targets selector).
    for n in Notification.objects.select_related("recipient"):
        target_id = Milestone.objects.get(pk=n.object_id).target_id
        assert visible_targets(n.recipient).filter(pk=target_id).exists(), n


def test_a_users_email_preference_is_respected(
    milestone_a, staff_a, head_a, django_capture_on_commit_callbacks
):
    email_preferences_set(by=staff_a, choices={"deadline": False})
    with django_capture_on_commit_callbacks(execute=True):
        sweep(D(2026, 9, 29))
    assert [m.to for m in mail.outbox] == [[head_a.email]]
    assert Notification.objects.get(recipient=staff_a).email_status == "none"
    # the in-app reminder still arrives
    assert Notification.objects.get(recipient=head_a).email_status == "sent"


def test_inactive_users_and_users_of_inactive_departments_are_skipped(milestone_a, staff_a, head_a):
    staff_a.is_active = False
    staff_a.save()
    sweep(DUE)
    assert sent() == [("head_a", "due")]


def test_a_changed_due_date_reminds_again_for_the_new_date(milestone_a):
    sweep(DUE)
    Milestone.objects.filter(pk=milestone_a.pk).update(due_date=D(2026, 10, 16))
    sweep(D(2026, 10, 16))
    assert sent() == [("head_a", "due"), ("head_a", "due"), ("staff_a", "due"), ("staff_a", "due")]


def test_days_before_are_configurable(milestone_a, settings):
    settings.REMINDER_DAYS_BEFORE = [5]
    sweep(D(2026, 9, 23))
    assert sent() == []
    sweep(D(2026, 9, 24))  # 5 working days before 9 October (25 Sep is Mid-Autumn)
    assert sent() == [("head_a", "before5"), ("staff_a", "before5")]
    sweep(D(2026, 9, 29))  # 3 working days before: no longer a reminder day
    assert len(sent()) == 2


def _sweep_queries(django_assert_num_queries, target, count, expected):
    Notification.objects.all().delete()
    Milestone.objects.filter(target=target).delete()
    add_milestones(target, count, DUE)
    with django_assert_num_queries(expected):
        result = sweep(DUE)
    assert result.items == count
    assert result.notifications == 2 * count


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="one INSERT … unnest on PostgreSQL; the SQLite fallback inserts in batches",
)
@pytest.mark.parametrize("count", [10, 300])
def test_the_sweep_runs_a_fixed_number_of_queries(
    target_a, django_assert_num_queries, count, django_capture_on_commit_callbacks
):
    current_calendar()
    ContentType.objects.get_for_model(Milestone)
    # savepoint, milestones, the plan years with due progress reports (main, cooperating:
    # none due today), orders, findings, recipients, e-mail choices, insert, release. With every
    # source returning items: tests/notifications/test_sources.py.
    _sweep_queries(django_assert_num_queries, target_a, count, 10)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_reminder_once(year_2026, dept_a, staff_a, head_a, office):
    target = executing_target(year_2026, dept_a, staff_a, head_a, office)
    add_milestones(target, 50, DUE)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(reminders.sweep(today=DUE).notifications)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results)[1] > 0 and sum(results) == 2 * 51
    assert Notification.objects.count() == 2 * 51
    assert len(set(Notification.objects.values_list("key", "recipient_id"))) == 2 * 51


def test_titles_with_quotes_backslashes_and_braces_arrive_intact(
    year_2026, dept_a, staff_a, head_a, office
):
    title = '完成"十四五"规划\\评估{一,二}'
    target = executing_target(year_2026, dept_a, staff_a, head_a, office, title=title)
    sweep(DUE)
    n = Notification.objects.get(recipient=staff_a)
    assert title in n.title and title in n.body
    assert n.object_id == str(target.milestones.get().pk)
