"""The demo's quarterly reports (季度报告) and summaries (季度汇总) of 2026 — Shanghai Art. 17 —
built through the services on the dates they would have happened, so every state shows:

- Q1: every report read by its vice-mayor, several with instructions (批示) answered; the
  summary published;
- Q2: most read (some instructions still to answer), some forwarded and awaiting reading, some
  with the office still to forward; the summary published;
- Q3: a mix of drafts, reports submitted to the office and forwarded to the vice-mayors; the
  summary still a draft for the office to finish.
"""

import datetime

from django.db.models import Q

from accounts.models import LeaderPortfolio, User
from execution import clock
from execution.models import QuarterlyReport, QuarterlySummary, WarningSnapshot
from execution.services import quarterly as q
from notifications.models import Notification
from targets.models import PlanYear

D = datetime.date
DATES = {
    1: {"draft": D(2026, 4, 11), "submit": D(2026, 4, 15), "forward": D(2026, 4, 16),
        "read": D(2026, 4, 20), "answer": D(2026, 4, 27)},
    2: {"draft": D(2026, 7, 11), "submit": D(2026, 7, 15), "forward": D(2026, 7, 16),
        "read": D(2026, 7, 21), "answer": D(2026, 7, 28)},
    3: {"draft": D(2026, 10, 11), "submit": D(2026, 10, 15), "forward": D(2026, 10, 16),
        "read": D(2026, 10, 21), "answer": D(2026, 10, 28)},
}  # fmt: skip
INSTRUCTIONS = [
    "请针对红色预警目标逐项研究整改措施，下季度报告中专门说明落实情况。",
    "进展总体符合预期，请继续加强调度，确保全年目标完成。",
    "请与相关部门加强协同，涉及资金问题的及时报市政府研究。",
]
ANSWER = "已按批示要求召开专题会议研究部署，整改措施正在落实中，将按期报告进展。"
SUMMARY_TEXT = (
    "本季度全市目标总体按序时推进。红色预警目标主要集中在重大项目和资金到位方面，"
    "已督促相关部门制定整改措施；逾期未报部门已通报并督促补报。"
)


def _user(username) -> User:
    return User.objects.get(username=username)


def _leader(report) -> User | None:
    row = LeaderPortfolio.objects.filter(department_id=report.department_id).order_by("id").first()
    return row.leader if row else None


def _narrate(report, staff):
    items = list(report.items.all())
    narratives = {
        i.target_id: "原因已查明：受前期手续和资金到位影响进度滞后，已倒排工期、加强调度。"
        for i in items
        if i.level == WarningSnapshot.Level.RED
    }
    q.quarterly_report_update(
        report=report,
        by=staff,
        summary=f"本季度{report.department.name}承担的{len(items)}项目标总体按计划推进。",
        next_steps="下季度加强月度调度，确保节点目标按期完成。",
        narratives=narratives,
    )


def seed_quarterly(year: PlanYear) -> int:
    """Idempotent: nothing is added once the year has quarterly reports. Returns the count."""
    if QuarterlyReport.objects.filter(plan_year=year).exists():
        return 0
    office = _user("office")
    for quarter, dates in DATES.items():
        with clock.frozen(dates["draft"]):
            q.quarterly_draft(plan_year=year, quarter=quarter, by=office)
        reports = list(
            QuarterlyReport.objects.filter(plan_year=year, quarter=quarter)
            .select_related("department")
            .order_by("department__sort_order", "department_id")
        )
        for i, report in enumerate(reports):
            code = report.department.code
            staff, head = _user(f"{code}_staff"), _user(f"{code}_head")
            leader = _leader(report)
            # How far along the chain this report gets (every state shows in Q2 and Q3).
            stage = (
                4
                if quarter == 1
                else (4, 4, 3, 2, 4, 1)[i % 6]
                if quarter == 2
                else (1, 2, 3, 3, 0, 2)[i % 6]
            )
            if code in ("fgw", "jxw"):
                # The demo logins: fgw answers Q2's instruction and drafts Q3; vm_wang (jxw's
                # vice-mayor) reads jxw's Q3 report.
                stage = {1: 4, 2: 4, 3: 0 if code == "fgw" else 3}[quarter]
            if leader is None:
                stage = min(stage, 2)
            with clock.frozen(dates["draft"]):
                _narrate(report, staff)
            if stage >= 2:
                with clock.frozen(dates["submit"]):
                    q.quarterly_report_submit(report=report, by=head)
            if stage >= 3:
                with clock.frozen(dates["forward"]):
                    q.quarterly_report_forward(report=report, by=office)
            if stage >= 4:
                with clock.frozen(dates["read"]):
                    if i % 2 == 0 or code in ("fgw", "jxw"):
                        instruction = q.quarterly_instruction_create(
                            report=report, by=leader, body=INSTRUCTIONS[i % len(INSTRUCTIONS)]
                        )
                        # Q1's instructions are answered; Q2's wait for the department.
                        if quarter == 1:
                            with clock.frozen(dates["answer"]):
                                q.quarterly_instruction_answer(
                                    instruction=instruction, by=staff, answer=ANSWER
                                )
                    else:
                        q.quarterly_report_mark_read(report=report, by=leader)
        summary = QuarterlySummary.objects.get(plan_year=year, quarter=quarter)
        with clock.frozen(dates["forward"]):
            q.quarterly_summary_update(summary=summary, by=office, text=SUMMARY_TEXT)
            if quarter < 3:
                q.quarterly_summary_publish(summary=summary, by=office)
    # The demo's history is made up: read in the app, never e-mailed.
    Notification.objects.filter(
        Q(email_status=Notification.EmailStatus.PENDING),
        recipient__email__endswith="@demo.gov.cn",
    ).update(email_status=Notification.EmailStatus.NONE)
    return QuarterlyReport.objects.filter(plan_year=year).count()
