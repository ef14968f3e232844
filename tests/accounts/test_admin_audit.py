"""Reference data changed in /admin/ is recorded like every other change (Art. 14 全程记录):
who, when, before/after — and never the password."""

import pytest
from django.urls import reverse

from accounts.models import Department, Membership, User
from audit.models import AuditEvent
from targets.models import PlanYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("root", "root@example.gov.cn", "pass-1234")
    client.force_login(admin)
    client.admin = admin
    return client


def inline_management(prefix):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def events_for(obj):
    return list(AuditEvent.objects.for_object(obj))


def test_adding_a_department_is_recorded(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_department_add"),
        {
            "code": "tyj",
            "name": "市体育局",
            "short_name": "体育局",
            "kind": "bureau",
            "category": "social",
            "is_active": "on",
            "sort_order": "5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dept = Department.objects.get(code="tyj")
    [event] = events_for(dept)
    assert event.verb == "create" and event.actor == admin_client.admin
    assert event.changes["name"] == [None, "市体育局"]


def test_changing_a_department_records_before_and_after(admin_client, dept_a):
    admin_client.post(
        reverse("admin:accounts_department_change", args=[dept_a.pk]),
        {
            "code": "fgw",
            "name": "市发展和改革委员会",
            "short_name": "发改委",
            "kind": "bureau",
            "category": "economic",
            "is_active": "on",
            "sort_order": "0",
        },
    )
    [event] = events_for(dept_a)
    assert event.verb == "update"
    assert event.changes == {"name": ["市发展改革委", "市发展和改革委员会"]}


def test_saving_without_change_records_nothing(admin_client, dept_a):
    admin_client.post(
        reverse("admin:accounts_department_change", args=[dept_a.pk]),
        {
            "code": "fgw",
            "name": "市发展改革委",
            "short_name": "发改委",
            "kind": "bureau",
            "category": "economic",
            "is_active": "on",
            "sort_order": "0",
        },
    )
    assert events_for(dept_a) == []


def test_membership_deleted_in_the_admin_is_recorded(admin_client, staff_a):
    membership = Membership.objects.get(user=staff_a)
    response = admin_client.post(
        reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    [event] = events_for(membership)
    assert event.verb == "delete"
    assert event.changes["role"] == ["staff", None]


def test_plan_year_opened_for_drafting_is_recorded(admin_client):
    year = PlanYear.objects.create(year=2028)
    admin_client.post(
        reverse("admin:targets_planyear_change", args=[year.pk]),
        {
            "year": "2028",
            "status": "drafting",
            "report_frequency": "quarterly",
            "warning_green_percent": "95",
            "warning_yellow_percent": "85",
            "aspects-TOTAL_FORMS": "0",
            "aspects-INITIAL_FORMS": "0",
            "aspects-MIN_NUM_FORMS": "0",
            "aspects-MAX_NUM_FORMS": "1000",
        },
    )
    [event] = events_for(year)
    assert event.changes == {"status": ["preparing", "drafting"]}


def test_new_user_is_recorded_without_the_password(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcomer",
            "display_name": "新同事",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
            "usable_password": "true",
            **inline_management("memberships"),
            **inline_management("portfolio"),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="newcomer")
    [event] = events_for(user)
    assert event.verb == "create"
    assert "password" not in event.changes
    assert event.changes["username"] == [None, "newcomer"]
    assert user.display_name == "新同事" and user.check_password("a-Long-pass-2026")


def test_user_change_page_works_with_the_custom_user_model(admin_client, staff_a):
    response = admin_client.get(reverse("admin:accounts_user_change", args=[staff_a.pk]))
    assert response.status_code == 200
    assert "张填报" in response.content.decode()
