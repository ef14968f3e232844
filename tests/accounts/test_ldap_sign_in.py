"""Signing in against the city's directory (issue 17 item 1; GB/T 22239-2019 8.1.4.1 身份鉴别):
a real OpenLDAP server started by the test (tests/accounts/slapd.py), django-auth-ldap through
our login page, and the directory's department and groups mapped to our departments and roles
(README, "Security": unknown people get no role, never a default one)."""

import pytest
from django.urls import reverse

from accounts.access import access_for
from accounts.models import LoginRecord, Membership, User
from accounts.sso.ldap_settings import ldap_settings
from audit.models import AuditEvent

from . import slapd

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(slapd.missing() is not None, reason=str(slapd.missing())),
]

PEOPLE = f"ou=people,{slapd.BASE_DN}"
GROUPS = f"ou=groups,{slapd.BASE_DN}"
Role = Membership.Role


def person(uid, *, name, department, password):
    return f"""
dn: uid={uid},{PEOPLE}
objectClass: inetOrgPerson
uid: {uid}
cn: {name}
sn: {name[0]}
displayName: {name}
mail: {uid}@city.gov.cn
title: 科员
departmentNumber: {department}
userPassword: {password}
"""


def group(cn, *members):
    lines = "".join(f"member: uid={m},{PEOPLE}\n" for m in members)
    return f"""
dn: cn={cn},{GROUPS}
objectClass: groupOfNames
cn: {cn}
{lines}"""


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    server = slapd.Slapd(tmp_path_factory.mktemp("slapd"))
    server.start()
    try:
        server.add(
            f"""
dn: {slapd.BASE_DN}
objectClass: dcObject
objectClass: organization
o: City
dc: city

dn: {PEOPLE}
objectClass: organizationalUnit
ou: people

dn: {GROUPS}
objectClass: organizationalUnit
ou: groups
"""
            + person("zhangsan", name="张三", department="fgw", password="Dir-Pass-1")
            + person("lisi", name="李四", department="市政府办公厅", password="Dir-Pass-2")
            + person("wangwu", name="王五", department="no-such-dept", password="Dir-Pass-3")
            + person("zhaoliu", name="赵六", department="fgw", password="Dir-Pass-4")
            + person("admin", name="目录里的admin", department="bgt", password="Dir-Admin-9")
            + group("mubiao-staff", "zhangsan", "wangwu")
            + group("mubiao-general-office", "lisi", "admin")
            + group("mubiao-admin", "admin")
            + group("unrelated-group", "zhaoliu")
        )
        yield server
    finally:
        server.stop()


@pytest.fixture
def ldap_on(settings, directory):
    settings.AUTHENTICATION_BACKENDS = [
        "accounts.sso.ldap.DirectoryBackend",
        "accounts.backends.LocalPasswordBackend",
    ]
    for name, value in ldap_settings(
        server_uri=directory.uri,
        bind_dn=slapd.ADMIN_DN,
        bind_password=slapd.ADMIN_PASSWORD,
        user_search_base=PEOPLE,
        user_filter="(uid=%(user)s)",
        group_search_base=GROUPS,
        group_type="groupOfNames",
        start_tls=False,
    ).items():
        setattr(settings, name, value)
    settings.LDAP_DEPARTMENT_ATTRIBUTE = "departmentNumber"
    return settings


def sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_a_directory_person_signs_in_and_gets_the_role_of_their_group(client, ldap_on, dept_a):
    response = sign_in(client, "zhangsan", "Dir-Pass-1")
    assert response.status_code == 302
    user = User.objects.get(username="zhangsan")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.identity_source == User.IdentitySource.LDAP
    assert user.display_name == "张三"
    assert user.email == "zhangsan@city.gov.cn"
    # The directory owns the password: none is kept here.
    assert not user.has_usable_password()
    assert set(Membership.objects.filter(user=user).values_list("department", "role")) == {
        (dept_a.pk, Role.STAFF)
    }
    event = AuditEvent.objects.with_action(User, "directory_sync").for_object(user).get()
    assert event.changes["memberships"] == [[], ["fgw:staff"]]
    record = LoginRecord.objects.get(user=user)
    assert (record.method, record.outcome) == ("ldap", "success")


def test_the_department_is_matched_by_name_too(client, ldap_on, office_dept):
    assert sign_in(client, "lisi", "Dir-Pass-2").status_code == 302
    user = User.objects.get(username="lisi")
    assert access_for(user).is_general_office
    assert access_for(user).departments_with(Role.GENERAL_OFFICE) == {office_dept.pk}


def test_a_wrong_directory_password_is_refused_and_no_account_is_made(client, ldap_on, dept_a):
    response = sign_in(client, "zhangsan", "not-the-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="zhangsan").exists()


def test_an_unknown_department_gives_no_role(client, ldap_on, dept_a):
    """wangwu is in mubiao-staff, but his directory department is none of ours."""
    assert sign_in(client, "wangwu", "Dir-Pass-3").status_code == 302
    user = User.objects.get(username="wangwu")
    assert not Membership.objects.filter(user=user).exists()
    assert access_for(user).roles == frozenset()
    assert not access_for(user).reads_everything


def test_an_unmapped_group_gives_no_role(client, ldap_on, dept_a):
    assert sign_in(client, "zhaoliu", "Dir-Pass-4").status_code == 302
    user = User.objects.get(username="zhaoliu")
    assert not Membership.objects.filter(user=user).exists()
    # Nothing changed, so nothing was recorded as a change of roles.
    assert not AuditEvent.objects.with_action(User, "directory_sync").for_object(user).exists()


def test_roles_follow_the_directory_at_each_sign_in(client, ldap_on, directory, dept_a):
    assert sign_in(client, "zhangsan", "Dir-Pass-1").status_code == 302
    user = User.objects.get(username="zhangsan")
    # A role granted by hand is not the directory's: the next sign-in replaces it.
    Membership.objects.create(user=user, department=dept_a, role=Role.HEAD)
    directory.modify(
        f"""
dn: cn=mubiao-staff,{GROUPS}
changetype: modify
delete: member
member: uid=zhangsan,{PEOPLE}
"""
    )
    try:
        client.logout()
        assert sign_in(client, "zhangsan", "Dir-Pass-1").status_code == 302
        assert not Membership.objects.filter(user=user).exists()
        last = AuditEvent.objects.with_action(User, "directory_sync").for_object(user).last()
        assert last.changes["memberships"] == [["fgw:head", "fgw:staff"], []]
    finally:
        directory.modify(
            f"""
dn: cn=mubiao-staff,{GROUPS}
changetype: modify
add: member
member: uid=zhangsan,{PEOPLE}
"""
        )


def test_the_directory_cannot_take_over_a_local_break_glass_account(client, ldap_on, dept_a):
    """The directory has an "admin" too, in the admin group; our local admin stays ours."""
    local = User.objects.create_user("admin", password="Local-Admin-7!", is_superuser=True)
    assert sign_in(client, "admin", "Dir-Admin-9").status_code == 200
    assert "_auth_user_id" not in client.session
    local.refresh_from_db()
    assert local.identity_source == User.IdentitySource.LOCAL
    assert not Membership.objects.filter(user=local).exists()
    # Its own password still works: local passwords stay for break-glass administrators.
    assert sign_in(client, "admin", "Local-Admin-7!").status_code == 302


def test_a_locked_directory_account_is_refused_before_the_directory_is_asked(
    client, ldap_on, dept_a, settings
):
    settings.LOGIN_LOCKOUT_FAILURES = 3
    for _ in range(3):
        sign_in(client, "zhangsan", "not-the-password")
    # No account yet: failures of unknown names are only throttled, never recorded.
    assert not User.objects.filter(username="zhangsan").exists()
    assert sign_in(client, "zhangsan", "Dir-Pass-1").status_code == 302
    client.logout()
    for _ in range(3):
        sign_in(client, "zhangsan", "not-the-password")
    response = sign_in(client, "zhangsan", "Dir-Pass-1")
    assert response.status_code == 403
    assert "账号已锁定" in response.content.decode()
