"""From the directory's department and groups to our memberships (README, "Security").

- The department is the directory value (LDAP ``LDAP_DEPARTMENT_ATTRIBUTE``, OIDC
  ``OIDC_DEPARTMENT_CLAIM``) equal to one of our active departments' 代码 or 名称.
- Each group named in ``SSO_GROUP_ROLES`` gives its role in that department.
- Whoever has no known department or no mapped group gets no role at all — never a default one.
- For a directory account the directory is the source of its roles: each sign-in replaces them
  (an audit event ``accounts.user.directory_sync`` when they change). Leaders' portfolios
  (分管) and the city-wide reading right stay an administrator's decision in the admin.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..models import Department, Membership, User

ROLES = set(Membership.Role.values)


def department_for(values) -> Department | None:
    for value in values or ():
        value = str(value or "").strip()
        if not value:
            continue
        found = Department.objects.filter(is_active=True).filter(Q(code=value) | Q(name=value))
        department = found.first()
        if department is not None:
            return department
    return None


def roles_for(groups) -> set[str]:
    mapping = settings.SSO_GROUP_ROLES
    return {mapping[g] for g in groups or () if g in mapping and mapping[g] in ROLES}


def _describe(pairs) -> list[str]:
    return sorted(f"{code}:{role}" for code, role in pairs)


def sync_directory_roles(user: User, *, source: str, departments, groups) -> User:
    """Make ``user``'s memberships what the directory says (see the module)."""
    department = department_for(departments)
    roles = roles_for(groups) if department is not None else set()
    wanted = {(department.pk, role) for role in roles} if department is not None else set()
    with transaction.atomic():
        if user.identity_source != source:
            user.identity_source = source
            user.save(update_fields=["identity_source"])
        current = {
            (m.department_id, m.role): m
            for m in Membership.objects.filter(user=user).select_related("department")
        }
        before = {(m.department.code, role) for (_d, role), m in current.items()}
        gone = [m.pk for key, m in current.items() if key not in wanted]
        Membership.objects.filter(pk__in=gone).delete()
        Membership.objects.bulk_create(
            [
                Membership(user=user, department=department, role=role)
                for (_d, role) in sorted(wanted - set(current))
            ]
        )
        after = {(department.code, role) for role in roles} if department is not None else set()
        if before != after:
            audit_record(
                actor=None,
                obj=user,
                action="directory_sync",
                changes={"memberships": [_describe(before), _describe(after)]},
                comment=_("按统一身份目录同步部门与角色。"),
            )
    user.__dict__.pop("_mubiao_access", None)
    return user


def may_sign_in_as(user: User | None, source: str) -> bool:
    """A directory sign-in never takes over a local account (a break-glass administrator's,
    say) that happens to share its name: an administrator changes 身份来源 first."""
    return user is None or user.identity_source == source
