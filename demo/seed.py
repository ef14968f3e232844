"""Builds the demo city (示范市) through the same services a user would go through, so the demo
history (revisions, audit trail, negotiation threads) is real and every rule holds.

Idempotent: reference data is updated in place; targets are created only for a plan year that
has none yet.
"""

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from accounts.models import Department, LeaderPortfolio, Membership, User
from targets import services
from targets.models import Aspect, PlanYear, Target

from . import data

DEMO_PASSWORD = "demo12345"
GOVERNMENT_CODE = "gov"
DEMO_YEAR = 2027
Role = Membership.Role

# How the demo targets are spread over the formulation states, by position in the list:
# a realistic picture of mid-negotiation, with every state present.
STATE_CYCLE = (
    ["draft"] * 4
    + ["submitted"] * 3
    + ["returned"] * 2
    + ["negotiated"] * 4
    + ["confirmed"] * 3
    + ["executing"] * 4
)


@dataclass
class SeedReport:
    departments: int = 0
    users: int = 0
    targets_created: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)


@functools.cache
def _password_hash() -> str:
    # One hash for all demo accounts: hashing is deliberately slow, and 120 of them would make
    # seeding take a minute.
    return make_password(DEMO_PASSWORD)


def _user(username, *, display_name, title="", email=True, memberships=(), superuser=False):
    user, created = User.objects.get_or_create(username=username)
    user.display_name = display_name
    user.title = title
    user.email = f"{username}@demo.gov.cn" if email else ""
    user.is_superuser = superuser
    user.is_staff = superuser
    if created or not user.has_usable_password():
        user.password = _password_hash()
    user.save()
    for department, role in memberships:
        Membership.objects.get_or_create(user=user, department=department, role=role)
    return user


def _seed_departments(report: SeedReport) -> dict[str, Department]:
    depts = {}
    gov, _created = Department.objects.update_or_create(
        code=GOVERNMENT_CODE,
        defaults={
            "name": f"{data.CITY_NAME}人民政府",
            "short_name": "市政府",
            "kind": "government",
        },
    )
    depts[GOVERNMENT_CODE] = gov
    for order, row in enumerate(data.DEPARTMENTS, start=1):
        depts[row["code"]], _created = Department.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "short_name": row["short_name"],
                "kind": row["kind"],
                "category": row["category"],
                "sort_order": order,
            },
        )
    for order, row in enumerate(data.DIVISIONS, start=1000):
        depts[row["code"]], _created = Department.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": f"{depts[row['parent']].name}{row['name']}",
                "short_name": row["name"],
                "kind": "division",
                "parent": depts[row["parent"]],
                "sort_order": order,
            },
        )
    report.departments = len(depts)
    return depts


def _seed_users(report: SeedReport, depts: dict[str, Department]) -> dict[str, User]:
    users = {}
    for row in data.DEPARTMENTS:
        dept = depts[row["code"]]
        users[f"{row['code']}_staff"] = _user(
            f"{row['code']}_staff",
            display_name=f"{dept.short_name}填报员",
            memberships=[(dept, Role.STAFF)],
        )
        users[f"{row['code']}_head"] = _user(
            f"{row['code']}_head",
            display_name=f"{dept.short_name}主要负责人",
            title="主要负责人",
            memberships=[(dept, Role.HEAD)],
        )
    users["office"] = _user(
        "office",
        display_name="陈静（目标办）",
        title="目标办主任",
        memberships=[(depts["bgt"], Role.GENERAL_OFFICE)],
    )
    users["office2"] = _user(
        "office2",
        display_name="周敏（目标办）",
        title="目标办科员",
        memberships=[(depts["bgt"], Role.GENERAL_OFFICE)],
    )
    users["supervisor"] = _user(
        "supervisor",
        display_name="吴强（督查室）",
        title="督查专员",
        memberships=[(depts["dcs"], Role.SUPERVISION)],
    )
    users["auditor"] = _user(
        "auditor",
        display_name="郑洁（审计）",
        title="审计员",
        memberships=[(depts["sjj"], Role.AUDITOR)],
    )
    users["evaluator"] = _user(
        "evaluator",
        display_name="第三方评估专家",
        title="评估人",
        memberships=[(depts["bgt"], Role.EVALUATOR)],
    )
    users["admin"] = _user(
        "admin", display_name="系统管理员", memberships=[(depts["bgt"], Role.ADMIN)], superuser=True
    )
    for row in data.LEADERS:
        leader = _user(
            row["username"],
            display_name=row["display_name"],
            title=row["title"],
            memberships=[(depts[GOVERNMENT_CODE], Role.LEADER)],
        )
        users[row["username"]] = leader
        for code in row["portfolio"]:
            LeaderPortfolio.objects.get_or_create(leader=leader, department=depts[code])
    report.users = len(users)
    first_vm = next(r for r in data.LEADERS if r["title"] == "副市长")
    report.logins = [
        ("fgw_staff", _("部门填报员（市发展改革委）")),
        ("fgw_head", _("部门主要负责人（市发展改革委）")),
        ("office", _("目标办（市政府办公厅）")),
        ("supervisor", _("督查室")),
        (first_vm["username"], _("副市长 %(name)s") % {"name": first_vm["display_name"]}),
        ("auditor", _("审计监察")),
        ("admin", _("系统管理员")),
    ]
    return users


def _seed_years() -> PlanYear:
    PlanYear.objects.update_or_create(
        year=DEMO_YEAR - 1,
        defaults={
            "status": PlanYear.Status.EXECUTING,
            "drafting_opens": datetime.date(DEMO_YEAR - 2, 7, 1),
            "drafting_closes": datetime.date(DEMO_YEAR - 2, 9, 30),
            "q1_report_due": datetime.date(DEMO_YEAR - 1, 4, 10),
            "q2_report_due": datetime.date(DEMO_YEAR - 1, 8, 31),
            "q3_report_due": datetime.date(DEMO_YEAR - 1, 10, 10),
            "year_end_due": datetime.date(DEMO_YEAR, 1, 10),
        },
    )
    # Fujian 五: plans by 15 July, half-year report by end of August, annual summary by 10 January.
    year, _created = PlanYear.objects.get_or_create(
        year=DEMO_YEAR,
        defaults={
            "status": PlanYear.Status.DRAFTING,
            "drafting_opens": datetime.date(DEMO_YEAR - 1, 7, 1),
            "drafting_closes": datetime.date(DEMO_YEAR - 1, 12, 15),
            "q1_report_due": datetime.date(DEMO_YEAR, 4, 10),
            "q2_report_due": datetime.date(DEMO_YEAR, 8, 31),
            "q3_report_due": datetime.date(DEMO_YEAR, 10, 10),
            "year_end_due": datetime.date(DEMO_YEAR + 1, 1, 10),
        },
    )
    for row in data.ASPECTS:
        Aspect.objects.update_or_create(
            plan_year=year, number=row["code"], defaults={"name": row["name"]}
        )
    return year


def _decimal(value):
    return None if value is None else Decimal(str(value))


def _input(row, *, year, aspects, depts, users, level, parent=None) -> services.TargetInput:
    quantitative = row["kind"] == "quantitative"
    milestones = []
    for q, text in enumerate(row.get("milestones") or [], start=1):
        expected = (row.get("expected_values") or [None] * 4)[q - 1]
        milestones.append(
            services.MilestoneInput(
                quarter=q,
                description=text,
                expected_value=_decimal(expected) if quantitative else None,
            )
        )
    departments = [
        services.DepartmentInput(department=depts[code], role="responsible")
        for code in row.get("responsible", [])
        if code != row.get("lead")
    ]
    departments += [
        services.DepartmentInput(department=depts[c["dept"]], role="cooperating", task=c["task"])
        for c in row.get("cooperating", [])
        if c["dept"] != row.get("lead") and c["dept"] not in row.get("responsible", [])
    ]
    leaders = row.get("leaders") or {}
    lead_leader = users.get(row.get("lead_leader", ""))
    return services.TargetInput(
        level=level,
        kind=row["kind"],
        title=row["title"],
        content=row["content"],
        measures=row.get("measures", ""),
        aspect=aspects[row["aspect"]],
        lead_department=depts[row.get("lead", "bgt")],
        parent=parent,
        is_key_work=row.get("key_work", False),
        indicator=(row.get("indicator") or "") if quantitative else "",
        unit=(row.get("unit") or "") if quantitative else "",
        baseline=_decimal(row.get("baseline")) if quantitative else None,
        target_value=_decimal(row.get("target_value")) if quantitative else None,
        direction=(row.get("direction") or "") if quantitative else "",
        weight=_decimal(row.get("weight", 1)),
        is_public=row.get("public", False),
        lead_leader=lead_leader,
        dept_head_name=leaders.get("head", ""),
        dept_leader_in_charge=leaders.get("in_charge", ""),
        dept_responsible_person=leaders.get("responsible_person", ""),
        milestones=milestones,
        departments=departments,
    )


def _walk(target, *, to_state, index, users, head, staff):
    """Move a target through the workflow to ``to_state`` the way people would, leaving a
    negotiation thread behind."""
    office = users["office"]
    comments = data.NEGOTIATION_COMMENTS
    replies = data.DEPARTMENT_REPLIES
    if to_state == "draft":
        return target
    target = services.target_submit(target=target, by=head, comment="")
    if to_state == "submitted":
        return target
    services.target_comment_add(target=target, by=office, body=comments[index % len(comments)])
    if to_state == "returned" or index % 3 == 0:
        services.target_comment_add(target=target, by=staff, body=replies[index % len(replies)])
        target = services.target_return(
            target=target, by=office, comment=comments[(index + 7) % len(comments)]
        )
        if to_state == "returned":
            return target
        target = services.target_submit(
            target=target, by=head, comment=replies[(index + 3) % len(replies)]
        )
    target = services.target_negotiate(
        target=target, by=office, comment="经协商，目标内容与节点安排一致同意。"
    )
    if to_state == "negotiated":
        return target
    target = services.target_confirm(
        target=target,
        by=office,
        approval_reference=f"{DEMO_YEAR - 1}年市政府第{30 + index % 5}次常务会议",
    )
    if to_state == "confirmed":
        return target
    return services.target_start_execution(target=target, by=office, comment="下达年度目标任务书。")


# The demo's history is made up: its return notifications would go to nobody, so none is sent.
# (Outermost, because the notifications are queued to run when the transaction commits.)
@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
@transaction.atomic
def seed_demo() -> SeedReport:
    report = SeedReport()
    depts = _seed_departments(report)
    users = _seed_users(report, depts)
    year = _seed_years()
    if year.targets.exists():
        return report
    aspects = {a.number: a for a in year.aspects.all()}
    office = users["office"]
    city = {}
    for i, row in enumerate(data.CITY_TARGETS):
        target = services.target_create(
            by=office,
            plan_year=year,
            data=_input(row, year=year, aspects=aspects, depts=depts, users=users, level="city"),
        )
        city[row["key"]] = _walk(
            target,
            to_state="confirmed" if i % 2 else "executing",
            index=i,
            users=users,
            head=office,
            staff=office,
        )
    for i, row in enumerate(data.DEPARTMENT_TARGETS):
        staff = users[f"{row['lead']}_staff"]
        head = users[f"{row['lead']}_head"]
        target = services.target_create(
            by=staff,
            plan_year=year,
            data=_input(
                row,
                year=year,
                aspects=aspects,
                depts=depts,
                users=users,
                level="department",
                parent=city.get(row.get("parent")),
            ),
        )
        _walk(
            target,
            to_state=STATE_CYCLE[i % len(STATE_CYCLE)],
            index=i,
            users=users,
            head=head,
            staff=staff,
        )
    report.targets_created = Target.objects.filter(plan_year=year).count()
    _seed_documents(users, year)
    return report


def _seed_documents(users, year: PlanYear) -> None:
    """The auditor finds one target's dossier (卷宗) already asked for on the 文档 page; it is
    generated when the seed commits (eagerly without Redis, by the worker with it). Every
    other document is one click away for each user (target page, list, 文档)."""
    from documents import services as document_services

    target = (
        Target.objects.filter(plan_year=year, state="executing", level="department")
        .order_by("code")
        .first()
    )
    if target is not None:
        document_services.document_request(
            by=users["auditor"], kind="target_dossier", params={"target": target.pk}
        )
