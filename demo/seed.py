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
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, LeaderPortfolio, Membership, User
from audit.context import replayed_clock
from execution import clock, periods
from notifications import reminders
from notifications.models import Notification
from targets import services
from targets.models import Aspect, PlanYear, Target
from workdays.calendar import current_calendar

from . import data
from .execution_progress import DEMO_TODAY, seed_execution_progress
from .quarterly import seed_quarterly
from .supervision import seed_supervision

DEMO_PASSWORD = "demo12345"
GOVERNMENT_CODE = "gov"
DEMO_YEAR = 2027
# The year in execution (the demo's "today" is 23 November 2026).
EXECUTION_YEAR = DEMO_YEAR - 1
# Every third department target of the data set: about 60 targets across all departments.
EXECUTION_TARGET_STEP = 3
D = datetime.date
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
    reports_created: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)


@functools.cache
def _password_hash() -> str:
    # One hash for all demo accounts: hashing is deliberately slow, and 120 of them would make
    # seeding take a minute.
    return make_password(DEMO_PASSWORD)


def _user(
    username,
    *,
    display_name,
    title="",
    email=True,
    memberships=(),
    superuser=False,
    reads_city_wide=False,
):
    user, created = User.objects.get_or_create(username=username)
    user.display_name = display_name
    user.title = title
    user.reads_city_wide = reads_city_wide
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
            reads_city_wide=row.get("reads_city_wide", False),
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


def _input(
    row, *, year, aspects, depts, users, level, parent=None, early_dates=False, q4_due=None
) -> services.TargetInput:
    quantitative = row["kind"] == "quantitative"
    milestones = []
    for q, text in enumerate(row.get("milestones") or [], start=1):
        expected = (row.get("expected_values") or [None] * 4)[q - 1]
        milestones.append(
            services.MilestoneInput(
                quarter=q,
                description=text,
                # Some departments set their node targets due before the quarter ends (the 20th
                # of its last month, in time for the quarterly report); the rest take the
                # default, the quarter's last day.
                due_date=(
                    q4_due
                    if q == 4 and q4_due
                    else datetime.date(year.year, 3 * q, 20)
                    if early_dates
                    else None
                ),
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


# Some departments set their fourth-quarter node target ahead of the year's end (a project to be
# finished before winter): one in four is already overdue on the demo's today, one in four falls
# due within days — so the reminders of the last working days concern them (issue 7).
Q4_NODE_DUE = {0: D(EXECUTION_YEAR, 11, 13), 2: D(EXECUTION_YEAR, 11, 26)}


def _year_calendar() -> dict:
    # Fujian 五: quarterly reports; the half-year report by the end of August; the annual
    # summary by 10 January.
    return {
        "drafting_opens": D(EXECUTION_YEAR - 1, 7, 1),
        "drafting_closes": D(EXECUTION_YEAR - 1, 9, 30),
        "q1_report_due": D(EXECUTION_YEAR, 4, 10),
        "q2_report_due": D(EXECUTION_YEAR, 8, 31),
        "q3_report_due": D(EXECUTION_YEAR, 10, 10),
        "year_end_due": D(EXECUTION_YEAR + 1, 1, 10),
    }


def seed_execution_year() -> PlanYear:
    """The 2026 plan year in execution with its executing targets, created and moved to
    execution through the targets services (idempotent: a year that has targets is returned as
    it is). Shared by the execution stage's demo parts (progress, adjustments, coordination,
    completion)."""
    year, _created = PlanYear.objects.get_or_create(
        year=EXECUTION_YEAR,
        defaults={"status": PlanYear.Status.EXECUTING, **_year_calendar()},
    )
    for row in data.ASPECTS:
        Aspect.objects.update_or_create(
            plan_year=year, number=row["code"], defaults={"name": row["name"]}
        )
    if year.targets.exists():
        return year
    # Formulation happened in 2025 (Art. 8–11): open the year for drafting just long enough to
    # draft, negotiate, confirm and start its targets the way the departments and office did.
    PlanYear.objects.filter(pk=year.pk).update(status=PlanYear.Status.DRAFTING)
    year.refresh_from_db()
    aspects = {a.number: a for a in year.aspects.all()}
    depts = {d.code: d for d in Department.objects.all()}
    users = {u.username: u for u in User.objects.filter(memberships__isnull=False).distinct()}
    office = users["office"]
    for i, row in enumerate(data.DEPARTMENT_TARGETS[::EXECUTION_TARGET_STEP]):
        # One cooperating department each keeps the demo's year small and its reports readable.
        row = {**row, "cooperating": row.get("cooperating", [])[:1], "responsible": []}
        target = services.target_create(
            by=users[f"{row['lead']}_staff"],
            plan_year=year,
            data=_input(
                row,
                year=year,
                aspects=aspects,
                depts=depts,
                users=users,
                level="department",
                q4_due=Q4_NODE_DUE.get(i % 4),
            ),
        )
        services.target_submit(target=target, by=users[f"{row['lead']}_head"])
        services.target_negotiate(target=target, by=office, comment="经协商，目标内容一致同意。")
        services.target_confirm(
            target=target,
            by=office,
            approval_reference=f"{EXECUTION_YEAR - 1}年市政府第31次常务会议",
        )
        services.target_start_execution(target=target, by=office, comment="下达年度目标任务书。")
    PlanYear.objects.filter(pk=year.pk).update(status=PlanYear.Status.EXECUTING)
    year.refresh_from_db()
    return year


def _demo_file(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # A tiny valid PDF: the demo shows how attachments are listed and downloaded.
    return SimpleUploadedFile(name, b"%PDF-1.4\n%demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def _closer_to_baseline(target: Target, share: Decimal) -> Decimal:
    """The target value moved ``share`` of the way back towards the baseline: still beyond it in
    the target's direction, as every target value must be (issue 16 item 4)."""
    base = target.baseline if target.baseline is not None else Decimal(0)
    value = target.target_value - (target.target_value - base) * share
    return value.quantize(Decimal("0.0001")).normalize()


def _value_adjustment(target: Target, value: Decimal) -> dict:
    """An adjustment of ``target``'s value to ``value`` that also rewrites the old figure where
    the title, content and node targets state it, so the adjusted target reads as one."""
    from execution.selectors.changes import figure_pattern

    old = figure_pattern(format(target.target_value.normalize(), "f"))
    new = format(value, "f")
    # A node target's expected value goes no further than the new target value.
    bound = max if target.direction == Target.Direction.LOWER else min
    milestones = [
        {
            "quarter": m.quarter,
            "description": old.sub(new, m.description),
            "due_date": m.due_date.isoformat(),
            "expected_value": (
                str(bound(m.expected_value, value)) if m.expected_value is not None else None
            ),
        }
        for m in target.milestones.order_by("quarter")
    ]
    return {
        "target_value": new,
        "title": old.sub(new, target.title),
        "content": old.sub(new, target.content),
        "milestones": milestones,
    }


def seed_execution_changes(year: PlanYear) -> None:
    """Adjustments (Art. 12), coordination items (Art. 16–17) and completion reviews (Art. 14)
    on ``year``'s executing targets, made through the services: two approved adjustments, one
    rejected and one waiting; coordination items open, escalated and resolved; a few completed
    targets and one returned completion report. Idempotent: skipped once the year has any."""
    from execution.models import AdjustmentRequest
    from execution.services import adjustments, completion, coordination

    if AdjustmentRequest.objects.filter(target__plan_year=year).exists():
        return
    targets = list(
        Target.objects.filter(
            plan_year=year, level="department", state=Target.State.EXECUTING
        ).order_by("code")
    )
    if len(targets) < 12:
        return
    users = {u.username: u for u in User.objects.all()}
    office = users["office"]

    def head(target):
        return users[f"{target.lead_department.code}_head"]

    def staff(target):
        return users[f"{target.lead_department.code}_staff"]

    quantitative = [t for t in targets if t.kind == "quantitative"]
    qualitative = [t for t in targets if t.kind != "quantitative"] or targets

    # Approved: a quantitative target's value, on a new national policy. Consistent (issue 16
    # item 4): the new value still moves away from the baseline in the target's direction, and
    # the title, content and node targets that state the old figure say the new one.
    first = quantitative[0]
    change = adjustments.adjustment_request_create(
        target=first,
        by=head(first),
        kind="change",
        reason="national_policy",
        explanation="国家统计局调整了统计口径，按新口径测算，目标值相应调整。",
        attachment=_demo_file("关于调整目标值的请示.pdf"),
        proposed=_value_adjustment(first, _closer_to_baseline(first, Decimal(1) / 3)),
    )
    adjustments.adjustment_request_approve(
        adjustment=change, by=office, comment="经市政府同意，按新统计口径调整。"
    )
    # Approved: the measures and the fourth quarter's node target, on a new city requirement.
    second = qualitative[0]
    milestones = [
        {
            "quarter": m.quarter,
            "description": m.description,
            "due_date": m.due_date.isoformat(),
            "expected_value": str(m.expected_value) if m.expected_value is not None else None,
        }
        for m in second.milestones.all()
    ]
    if milestones:
        milestones[-1]["description"] += "（按市委市政府新要求，年底前完成验收）"
    adjustments.adjustment_request_create(
        target=second,
        by=head(second),
        kind="change",
        reason="city_requirement",
        explanation="市委常委会部署新任务，需增加工作措施并调整四季度节点。",
        attachment=_demo_file("市委常委会会议纪要.pdf"),
        proposed={
            "measures": (second.measures + "\n落实市委常委会新部署，建立周调度机制。").strip(),
            "milestones": milestones,
        },
    )
    adjustments.adjustment_request_approve(
        adjustment=AdjustmentRequest.objects.get(target=second, state="pending"),
        by=office,
        comment="同意。",
    )
    # Rejected: force majeure claimed without grounds.
    third = quantitative[1]
    rejected = adjustments.adjustment_request_create(
        target=third,
        by=head(third),
        kind="change",
        reason="force_majeure",
        explanation="受汛期影响，部分项目进度滞后，申请下调目标值。",
        attachment=_demo_file("调整申请.pdf"),
        proposed={"target_value": str(_closer_to_baseline(third, Decimal("0.1")))},
    )
    adjustments.adjustment_request_reject(
        adjustment=rejected,
        by=office,
        comment="汛期影响已在节点安排中考虑，理由不充分，请加快推进。",
    )
    # Waiting in the office's queue: a cancellation.
    fourth = targets[-1]
    adjustments.adjustment_request_create(
        target=fourth,
        by=head(fourth),
        kind="cancel",
        reason="other",
        explanation="该项工作已并入市级统筹项目，由市级层面统一推进，申请撤销本目标。",
        attachment=_demo_file("撤销申请.pdf"),
    )

    # Coordination (Art. 16): one item in each state.
    today = timezone.localdate()
    others = list(Department.objects.filter(code__in=["czj", "ghzy", "sthj", "rsj"]))

    def counterpart(target):
        return [d for d in others if d.pk != target.lead_department_id][:2]

    open_item = targets[3]
    coordination.coordination_item_raise(
        target=open_item,
        by=staff(open_item),
        subject="项目前期审批需规划资源部门并联办理",
        description="重点项目用地预审和规划许可需并联审批，请相关部门明确办理时限。",
        departments=counterpart(open_item),
        due_date=today + datetime.timedelta(days=14),
    )
    escalated = targets[4]
    item = coordination.coordination_item_raise(
        target=escalated,
        by=staff(escalated),
        subject="专项资金拨付进度需协调",
        description="年度专项资金尚有40%未拨付，影响四季度节点完成，多次沟通未果。",
        departments=counterpart(escalated),
        due_date=today,
    )
    coordination.coordination_message_add(
        item=item, by=users[f"{counterpart(escalated)[0].code}_staff"], body="正在走审批程序。"
    )
    coordination.coordination_item_escalate(
        item=item, by=head(escalated), comment="临近年底，请分管市领导协调。"
    )
    resolved = targets[5]
    item = coordination.coordination_item_raise(
        target=resolved,
        by=staff(resolved),
        subject="跨部门数据共享",
        description="需人社、财政部门提供季度数据接口。",
        departments=counterpart(resolved),
        due_date=today + datetime.timedelta(days=3),
    )
    coordination.coordination_sheet_set(
        item=item,
        by=office,
        duties=[
            (item.raising_department, "牵头制定数据共享清单。", None),
            *[
                (d, "按清单提供数据接口。", today + datetime.timedelta(days=10))
                for d in item.departments.all()
            ],
        ],
    )
    coordination.coordination_item_resolve(
        item=item, by=head(resolved), resolution="经目标办协调，各部门已按协调单完成数据对接。"
    )

    # Completion review (Art. 14): three completed, one returned and waiting to be filed again.
    for target in targets[6:9]:
        report = completion.completion_report_file(
            target=target,
            by=head(target),
            summary="年度目标任务已全部完成，相关成果已通过验收。",
            evidence=_demo_file("办结佐证材料.pdf"),
        )
        completion.completion_report_accept(
            report=report, by=office, comment="材料齐全，同意办结。"
        )
    returned = targets[9]
    report = completion.completion_report_file(
        target=returned,
        by=head(returned),
        summary="主要任务已完成。",
        evidence=_demo_file("办结材料.pdf"),
    )
    completion.completion_report_return(
        report=report, by=office, comment="缺少第三方验收报告，请补充后重新报送。"
    )


def seed_demo() -> SeedReport:
    # Issue 16 item 11: the audit trail carries the replayed dates (execution's clock, which
    # each part freezes on the day a step happened; anything not dated is the demo's today),
    # never the moment of seeding — also for what runs when the seed commits (the dossier
    # generated eagerly without a broker), hence outside the transaction.
    with replayed_clock(clock.now), clock.frozen(DEMO_TODAY):
        return _seed_demo()


# The demo's history is made up: its return notifications would go to nobody, so none is sent.
# (Outermost, because the notifications are queued to run when the transaction commits.)
@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
@transaction.atomic
def _seed_demo() -> SeedReport:
    report = SeedReport()
    depts = _seed_departments(report)
    users = _seed_users(report, depts)
    year = _seed_years()
    # The execution stage (issue 5): the 2026 year's targets, a year of progress, and the
    # adjustments, coordination items and completion reviews on them.
    # The 2026 targets were confirmed and their task book issued at the end of 2025.
    with clock.frozen(D(EXECUTION_YEAR - 1, 12, 22)):
        execution_year = seed_execution_year()
    report.reports_created = seed_execution_progress(execution_year)
    seed_execution_changes(execution_year)
    # Supervision of the execution year's targets (Art. 18–22), on the demo's today.
    with clock.frozen(DEMO_TODAY):
        seed_supervision(execution_year)
    # What the daily sweep sent in the execution year (issue 7).
    _seed_reminders(execution_year)
    # Quarterly reports to the vice-mayors and the office's summaries (Art. 17, issue 6).
    seed_quarterly(execution_year)
    if year.targets.exists():
        seed_evaluation()
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
                early_dates=i % 3 == 0,
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
    seed_evaluation()
    _seed_documents(users, year)
    return report


def _seed_reminders(year: PlanYear) -> None:
    """What the daily sweep (002 五.6 到期提醒) sent in the execution year, so every department
    with something owed finds unread reminders on the demo's today (23 November 2026):

    - around the third quarter's progress report (due 10 October): the departments whose report
      is still missing were reminded before, on and after the day, then their heads and the
      general office (Art. 14, 16);
    - the last working days before today: the fourth-quarter node targets due in November
      (``Q4_NODE_DUE``), supervision orders awaiting replies and rectification deadlines.

    Each sweep runs on its own day (the execution clock too); the sweep is idempotent, so is
    this."""
    calendar = current_calendar()
    q3 = next(p for p in periods.periods_of(year) if p.number == 3)
    q3_due = periods.report_due_date(year, q3)
    days = {calendar.add_working_days(q3_due, n) for n in (-3, -1, 0, 1, 3, 5)}
    days |= {calendar.add_working_days(DEMO_TODAY, -n) for n in range(0, 6)}
    for day in sorted(days):
        with clock.frozen(day):
            reminders.sweep(today=day)
    # The demo's history is made up: its notifications are read in the app, never e-mailed
    # (with a broker, a worker would otherwise send them to the made-up addresses).
    Notification.objects.filter(
        email_status=Notification.EmailStatus.PENDING, recipient__email__endswith="@demo.gov.cn"
    ).update(email_status=Notification.EmailStatus.NONE)


# --- evaluation (考核评估): 2025 published, 2026 scoring ---------------------------------

EVAL_PARTICIPANTS = [
    "fgw", "jxw", "sww", "kw", "czj",  # 经济管理服务
    "jw", "mzj", "rsj", "wjw", "sfj",  # 社会管理服务
    "tjj", "dsj", "xfb", "sjj", "jgj",  # 综合管理服务
]  # fmt: skip
# Who fills the sheets of each rater department in the demo.
EVAL_RATERS = {"bgt": "office", "dcs": "supervisor", GOVERNMENT_CODE: "vm_wang"}
FEEDBACK_TEXTS = [
    "公众评价得分偏低，建议建立服务对象定期回访制度，及时回应群众诉求。",
    "重点工作任务个别节点滞后，建议加强季度调度，提前研判风险。",
    "行政成本控制较好，建议进一步推进预算绩效管理全覆盖。",
    "部门互评反映协同配合有待加强，建议完善跨部门会商机制。",
]


def _demo_rater(sheet):
    from evaluation.permissions import is_rater_of

    if sheet.is_self:
        username = f"{sheet.department.code}_staff"
    else:
        code = sheet.body.rater_department.code
        username = EVAL_RATERS.get(code, f"{code}_staff")
    user = User.objects.get(username=username)
    assert is_rater_of(sheet, user), (sheet, user)
    return user


def _demo_points(leaf, seed: int) -> Decimal:
    """Plausible points: 80–100% of the maximum in quarter steps, varying by department."""
    share = Decimal(76 + (seed * 5) % 13 + (leaf.order * (seed + 3)) % 11) / 100
    return (leaf.max_points * share * 4).quantize(Decimal(1)) / 4


def _demo_fill(sheet, seed: int, *, submit: bool):
    from evaluation import services as evaluation_services

    entries = {}
    for leaf in evaluation_services.sheet_leaves(sheet):
        points = _demo_points(leaf, seed)
        low = points < leaf.max_points * sheet.scheme.comment_below_percent / 100
        entries[leaf.pk] = evaluation_services.EntryInput(
            points=points, comment="依据年度考评细则评定。" if low or seed % 3 == 0 else ""
        )
    evaluation_services.sheet_save(
        sheet=sheet,
        by=_demo_rater(sheet),
        entries=entries,
        summary=(
            f"{sheet.department.name}{sheet.scheme.plan_year.year}年度绩效自评报告：年度目标任务"
            "总体完成，重点工作按节点推进，存在的问题已列入整改清单。"
        )
        if sheet.is_self
        else None,
        submit=submit,
    )


def seed_evaluation() -> None:
    """The evaluation in the demo city (Zhongshan Art. 19–25): 2025 evaluated under the Zhongshan
    template and published, with ranks, grades and feedback (some acknowledged, some with an
    improvement plan); 2026's scheme cloned from it, scoring open, sheets in every state.
    Idempotent: does nothing once 2025 has a scheme. The years are created only if missing (the
    execution stage's demo creates 2026 too)."""
    from evaluation import services as evaluation_services
    from evaluation.models import EvaluationScheme, ScoreSheet

    last, _created = PlanYear.objects.get_or_create(
        year=2025, defaults={"status": PlanYear.Status.CLOSED}
    )
    this, _created = PlanYear.objects.get_or_create(
        year=2026, defaults={"status": PlanYear.Status.EXECUTING}
    )
    if EvaluationScheme.objects.filter(plan_year=last).exists():
        return
    # 2025's targets through every stage up to 办结; publication below evaluates them.
    from .past_year import seed_past_year

    seed_past_year()
    # The 2025 evaluation on its own dates: scheme and scoring in January and February 2026,
    # locked and published in March, feedback answered from 20 March (Zhongshan Art. 18, 22, 25).
    office = User.objects.get(username="office")
    depts = {d.code: d for d in Department.objects.filter(code__in=EVAL_PARTICIPANTS)}
    seeds = {d.pk: i for i, d in enumerate(depts[c] for c in EVAL_PARTICIPANTS)}
    with clock.frozen(D(2026, 1, 20)):
        scheme = _seed_evaluation_2025(last, office, depts, seeds)
    with clock.frozen(D(2026, 3, 20)):
        _seed_feedback_2025(scheme, office, depts)
    # 2026: the same scheme carried over, scoring open, sheets in every state (on the demo's
    # today, the clock seed_demo set).
    current = evaluation_services.scheme_create(plan_year=this, by=office, source=scheme)
    evaluation_services.scheme_open_scoring(scheme=current, by=office)
    sheets = list(
        current.sheets.exclude(state=ScoreSheet.State.SUBMITTED)
        .select_related("body__rater_department", "department")
        .order_by("-is_self", "pk")
    )
    for i, sheet in enumerate(sheets):
        seed = seeds[sheet.department_id]
        if sheet.is_self:
            if seed % 5 != 4:  # most departments have evaluated themselves
                _demo_fill(sheet, seed, submit=seed % 5 != 3)
            continue
        self_done = current.sheets.get(department=sheet.department, is_self=True).is_done
        if i % 3 == 0 and self_done:
            _demo_fill(sheet, seed, submit=True)
        elif i % 3 == 1:
            _demo_fill(sheet, seed, submit=False)
    # The office has reminded (催办) the raters of the department furthest behind: their
    # unsubmitted sheets come as score-sheet reminders in the notification centre (002 五.6).
    lagging = (
        current.sheets.filter(is_self=True)
        .exclude(state=ScoreSheet.State.SUBMITTED)
        .order_by("department__sort_order")
        .first()
    )
    if lagging is not None:
        evaluation_services.scheme_remind(
            scheme=current, by=office, department_id=lagging.department_id
        )


def _seed_evaluation_2025(last, office, depts, seeds):
    """The 2025 scheme from the Zhongshan template: scored in January and February 2026 (on the
    clock's day), locked on 2 March and published on 10 March (Zhongshan Art. 18, 22); the
    year's targets are evaluated by publication."""
    from evaluation import services as evaluation_services
    from supervision.models import AccountabilityRecord

    supervisor = User.objects.get(username="supervisor")
    rows = [(depts[c], None) for c in EVAL_PARTICIPANTS]

    scheme = evaluation_services.scheme_create(
        plan_year=last, by=office, template_key="zhongshan_2012"
    )
    evaluation_services.participants_set(scheme=scheme, by=office, rows=rows)
    evaluation_services.scheme_open_scoring(scheme=scheme, by=office)
    for sheet in scheme.sheets.select_related("body__rater_department", "department").order_by(
        "-is_self", "pk"
    ):
        _demo_fill(sheet, seeds[sheet.department_id], submit=True)
    for code, category, n in [("sww", "discipline", 1), ("rsj", "safety_accident", 1),
                              ("xfb", "social_impact", 2), ("kw", "audit", 1)]:  # fmt: skip
        for i in range(n):
            AccountabilityRecord.objects.get_or_create(
                plan_year=last,
                department=depts[code],
                category=category,
                reference=f"示监问〔2025〕{10 + i}号",
                defaults={
                    "occurred_on": datetime.date(2025, 6 + i, 12),
                    "description": "经市监察局调查核实，予以行政问责。",
                    "created_by": supervisor,
                },
            )
    with clock.frozen(D(2026, 3, 2)):
        evaluation_services.scheme_lock(scheme=scheme, by=office)
    with clock.frozen(D(2026, 3, 10)):
        evaluation_services.scheme_publish(scheme=scheme, by=office)
    PlanYear.objects.filter(pk=last.pk).update(status=PlanYear.Status.CLOSED)
    return scheme


def _seed_feedback_2025(scheme, office, depts) -> None:
    """Feedback on the 2025 results (Zhongshan Art. 25), answered by some departments."""
    from evaluation import services as evaluation_services

    for i, code in enumerate(EVAL_PARTICIPANTS):
        feedback = evaluation_services.feedback_write(
            scheme=scheme,
            department=depts[code],
            by=office,
            suggestions=FEEDBACK_TEXTS[i % len(FEEDBACK_TEXTS)],
        )
        if i % 3 == 0:
            continue  # left for the department to acknowledge in the demo
        head = User.objects.get(username=f"{code}_head")
        feedback = evaluation_services.feedback_acknowledge(feedback=feedback, by=head)
        if i % 3 == 2:
            evaluation_services.feedback_file_plan(
                feedback=feedback,
                by=head,
                plan="一、建立问题清单，明确责任人和完成时限；二、每季度向目标办报送整改进展。",
            )
            later = Target.objects.filter(
                lead_department=depts[code], plan_year__year__gt=scheme.plan_year.year
            ).order_by("plan_year__year", "code")
            if later.exists():
                evaluation_services.feedback_link_target(
                    feedback=feedback, target=later.first(), by=head
                )


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
