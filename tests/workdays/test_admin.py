"""The administrator enters next year's notice in /admin/ (published each November); the change
is audited (Art. 14 全程记录) and counts at once."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from workdays.calendar import is_working_day
from workdays.models import OfficialDay

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("root", "root@example.gov.cn", "pass-1234")
    client.force_login(admin)
    client.admin = admin
    return client


def test_adding_a_tiaoxiu_saturday_is_recorded_and_counts(admin_client):
    day = datetime.date(2027, 2, 20)  # a Saturday
    assert not is_working_day(day)
    response = admin_client.post(
        reverse("admin:workdays_officialday_add"),
        {"date": "2027-02-20", "kind": "workday", "name": "春节", "note": "国办发明电〔2026〕X号"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = OfficialDay.objects.get(date=day)
    assert row.source == "manual"
    [event] = AuditEvent.objects.for_object(row)
    assert event.action == "workdays.officialday.create" and event.actor == admin_client.admin
    assert is_working_day(day)


def test_correcting_a_package_day_marks_it_manual_and_records_before_and_after(admin_client):
    row = OfficialDay.objects.get(date=datetime.date(2026, 10, 7))
    response = admin_client.post(
        reverse("admin:workdays_officialday_change", args=[row.pk]),
        {"date": "2026-10-07", "kind": "workday", "name": "国庆节", "note": "更正"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.source == "manual" and row.kind == "workday"
    [event] = AuditEvent.objects.for_object(row)
    assert event.changes["kind"] == ["holiday", "workday"]
    assert is_working_day(datetime.date(2026, 10, 7))


def test_the_list_shows_the_weekday(admin_client):
    response = admin_client.get(
        reverse("admin:workdays_officialday_changelist") + "?date__year=2026"
    )
    assert response.status_code == 200
    assert "2026" in response.content.decode()


def test_non_administrators_cannot_reach_it(client, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("admin:workdays_officialday_changelist"))
    assert response.status_code == 302  # to the admin login
