"""What a user is, in the terms every permission rule is written in.

Loaded once per user object (two queries) and cached on it, so a page that checks permissions
on hundreds of rows still runs a fixed number of queries.
"""

from dataclasses import dataclass

from workflow.generations import depends_on

from .models import LeaderPortfolio, Membership

Role = Membership.Role


@dataclass(frozen=True)
class Access:
    user_id: int | None
    is_superuser: bool
    dept_roles: dict[int, frozenset[str]]
    portfolio: frozenset[int]
    # The mayor and the executive vice-mayor follow the whole city (Shanghai Art. 17): leaders
    # whose ``User.reads_city_wide`` is set in the admin (never read from the free-text 职务).
    city_wide: bool = False

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r for roles in self.dept_roles.values() for r in roles)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def departments_with(self, *roles: str) -> frozenset[int]:
        return frozenset(d for d, rs in self.dept_roles.items() if rs & set(roles))

    @property
    def member_departments(self) -> frozenset[int]:
        return self.departments_with(Role.STAFF, Role.HEAD)

    @property
    def is_general_office(self) -> bool:
        return self.has_role(Role.GENERAL_OFFICE)

    @property
    def is_leader(self) -> bool:
        return self.has_role(Role.LEADER)

    @property
    def reads_everything(self) -> bool:
        # The general office runs the process; supervision, auditors and administrators read
        # everything (DESIGN: auditors "read everything, change nothing").
        return self.is_superuser or bool(
            self.roles & {Role.GENERAL_OFFICE, Role.SUPERVISION, Role.AUDITOR, Role.ADMIN}
        )


ANONYMOUS = Access(user_id=None, is_superuser=False, dept_roles={}, portfolio=frozenset())


ACCESS_TABLES = (
    "accounts_user",
    "accounts_membership",
    "accounts_department",
    "accounts_leaderportfolio",
)


def access_for(user) -> Access:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    # A page kept in the cache depends on the reader's access even when the middleware loaded
    # it before the page was built (workflow.generations, issue 20).
    depends_on(*ACCESS_TABLES)
    cached = getattr(user, "_mubiao_access", None)
    if cached is not None:
        return cached
    dept_roles: dict[int, set[str]] = {}
    for dept_id, role in Membership.objects.filter(
        user=user, department__is_active=True
    ).values_list("department_id", "role"):
        dept_roles.setdefault(dept_id, set()).add(role)
    portfolio = frozenset(
        LeaderPortfolio.objects.filter(leader=user).values_list("department_id", flat=True)
    )
    access = Access(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        dept_roles={d: frozenset(r) for d, r in dept_roles.items()},
        portfolio=portfolio,
        city_wide=bool(getattr(user, "reads_city_wide", False))
        and any(Role.LEADER in r for r in dept_roles.values()),
    )
    user._mubiao_access = access
    return access
