"""Password rules and the forced change of a first password (issue 17 item 3; GB/T 22239-2019
8.1.4.1 a: 身份鉴别信息具有复杂度要求并定期更换; no shared default password)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import PasswordHistory, User
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

CHANGE = "accounts:password_change"


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("root", password="Root-Pass-1!")


def inlines():
    return {
        f"{prefix}-{name}": value
        for prefix in ("memberships", "portfolio")
        for name, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }


def change(client, old, new, new2=None):
    return client.post(
        reverse(CHANGE),
        {"old_password": old, "new_password1": new, "new_password2": new2 or new},
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abcdefghij", "至少三类"),  # one class
        ("abcdefgh12", "至少三类"),  # two classes
        ("demo12345", "演示系统的公共密码"),
        ("Ab1!", "8"),
    ],
)
def test_a_weak_or_shared_password_is_refused_with_a_reason(client, staff_a, password, message):
    client.force_login(staff_a)
    response = change(client, "pass-1234", password)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert message in errors
    staff_a.refresh_from_db()
    assert staff_a.check_password("pass-1234")
    assert not AuditEvent.objects.with_action(User, "password_change").exists()


def test_a_good_password_is_taken_remembered_and_audited(client, staff_a):
    client.force_login(staff_a)
    response = change(client, "pass-1234", "Hai-Jiao-2027")
    assert response.status_code == 302
    staff_a.refresh_from_db()
    assert staff_a.check_password("Hai-Jiao-2027")
    # Still signed in (the session hash follows the new password).
    assert client.get(reverse("accounts:security")).status_code == 200
    # Only hashes are kept.
    assert PasswordHistory.objects.filter(user=staff_a).count() == 1
    assert not any(
        "Hai-Jiao-2027" in h for h in PasswordHistory.objects.values_list("password", flat=True)
    )
    event = AuditEvent.objects.with_action(User, "password_change").for_object(staff_a).get()
    assert event.actor == staff_a


def test_the_recent_passwords_cannot_come_back(client, staff_a):
    client.force_login(staff_a)
    assert change(client, "pass-1234", "First-New-1").status_code == 302
    assert change(client, "First-New-1", "Second-New-2").status_code == 302
    for old in ("First-New-1", "Second-New-2"):
        response = change(client, "Second-New-2", old)
        assert response.status_code == 200
        assert "最近5次" in " ".join(response.context["form"].errors["new_password2"])
    with pytest.raises(ValidationError):
        validate_password("First-New-1", user=User.objects.get(pk=staff_a.pk))


def test_a_wrong_old_password_changes_nothing(client, staff_a):
    client.force_login(staff_a)
    response = change(client, "not-mine", "Hai-Jiao-2027")
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    staff_a.refresh_from_db()
    assert staff_a.check_password("pass-1234")


def test_an_account_made_in_the_admin_must_change_its_first_password(client, admin_user, dept_a):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcomer",
            "display_name": "新同事",
            "usable_password": "true",
            "password1": "Given-By-Admin-1",
            "password2": "Given-By-Admin-1",
            **inlines(),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.must_change_password

    client.logout()
    assert (
        client.post(
            reverse("accounts:login"),
            {"username": "newcomer", "password": "Given-By-Admin-1"},
        ).status_code
        == 302
    )
    # Every page leads to the password change until it is done.
    page = client.get(reverse("targets:target_list"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse(CHANGE))
    assert client.get(reverse(CHANGE)).status_code == 200
    assert change(client, "Given-By-Admin-1", "Only-I-Know-9").status_code == 302
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    assert client.get(reverse("accounts:security")).status_code == 200
    event = AuditEvent.objects.with_action(User, "password_change").for_object(newcomer).get()
    assert event.changes == {"must_change_password": [True, False]}


def test_an_administrators_reset_is_a_first_password_again(client, admin_user, staff_a):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[staff_a.pk]),
        {
            "usable_password": "true",
            "password1": "Reset-By-Admin-3",
            "password2": "Reset-By-Admin-3",
        },
    )
    assert response.status_code == 302
    staff_a.refresh_from_db()
    assert staff_a.must_change_password
    assert staff_a.check_password("Reset-By-Admin-3")
    event = AuditEvent.objects.with_action(User, "password_reset").for_object(staff_a).get()
    assert event.actor == admin_user


def test_the_admin_refuses_a_weak_first_password(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "weak",
            "usable_password": "true",
            "password1": "abcdefgh12",
            "password2": "abcdefgh12",
            **inlines(),
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="weak").exists()


def test_a_directory_account_changes_its_password_in_the_directory(client, staff_a):
    staff_a.identity_source = User.IdentitySource.LDAP
    staff_a.save()
    client.force_login(staff_a)
    response = change(client, "pass-1234", "Hai-Jiao-2027")
    assert response.status_code == 403
    assert "统一身份认证平台" in response.content.decode()


def test_the_demo_password_lives_only_in_the_demo():
    """No shared default password outside ``seed_demo``: the code of every app and the settings
    name it nowhere else (the validator keeps it only as a refused value)."""
    root = Path(settings.BASE_DIR)
    allowed = {Path("demo/seed.py"), Path("accounts/passwords.py")}
    found = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "tests", "node_modules"} or relative in allowed:
            continue
        if re.search(r"demo12345", path.read_text(encoding="utf-8", errors="replace")):
            found.append(str(relative))
    assert found == []
