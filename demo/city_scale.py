"""A city-scale dataset for the benchmarks (issue 6, speed): many departments, several plan
years of thousands of targets, each with 8 node targets (two per quarter) and 12 monthly
progress reports with their warnings — built with bulk inserts, not through the services
(millions of audit rows would measure the audit trail, not the dashboards).

Only the latest year is executing; earlier years are evaluated. The latest year stands on
``TODAY`` (23 November): January–October reports are due or past, most filed on time, some late,
some missing; warnings computed for every month started.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, LeaderPortfolio, Membership, User
from execution import periods
from execution.models import ProgressReport, WarningSnapshot
from targets.models import Aspect, Milestone, PlanYear, Target

BATCH = 5000
LEVELS = ["green"] * 7 + ["yellow"] * 2 + ["red"]


@dataclass
class CityScale:
    departments: int
    years: int
    targets_per_year: int
    latest_year: int
    today: datetime.date
    rows: dict


def build_city(
    *, departments=80, years=5, targets_per_year=2000, latest_year=2026, seed=6
) -> CityScale:
    rnd = random.Random(seed)
    today = datetime.date(latest_year, 11, 23)
    rows = {}
    with transaction.atomic():
        password = make_password("bench12345")
        office_dept = Department.objects.create(code="cs-bgt", name="市政府办公厅（规模）")
        gov = Department.objects.create(code="cs-gov", name="市人民政府（规模）", kind="government")
        depts = Department.objects.bulk_create(
            Department(
                code=f"cs-d{i}", name=f"规模部门{i:03d}", short_name=f"部门{i}", sort_order=i
            )
            for i in range(departments)
        )
        users = []
        for d in depts:
            users += [
                User(username=f"{d.code}_staff", password=password),
                User(username=f"{d.code}_head", password=password),
            ]
        leaders = [
            User(username=f"cs-vm{i}", password=password, title="副市长", display_name=f"副市长{i}")
            for i in range(8)
        ]
        mayor = User(
            username="cs-mayor",
            password=password,
            title="市长",
            display_name="市长",
            reads_city_wide=True,
        )
        office = User(username="cs-office", password=password, display_name="目标办")
        users = User.objects.bulk_create([*users, *leaders, mayor, office])
        staff = users[: 2 * departments]
        leaders, mayor, office = users[2 * departments : -2], users[-2], users[-1]
        memberships = []
        for i, d in enumerate(depts):
            memberships.append(Membership(user=staff[2 * i], department=d, role="staff"))
            memberships.append(Membership(user=staff[2 * i + 1], department=d, role="head"))
        for leader in [*leaders, mayor]:
            memberships.append(Membership(user=leader, department=gov, role="leader"))
        memberships.append(Membership(user=office, department=office_dept, role="general_office"))
        Membership.objects.bulk_create(memberships)
        LeaderPortfolio.objects.bulk_create(
            LeaderPortfolio(leader=leaders[i % len(leaders)], department=d)
            for i, d in enumerate(depts)
        )
        rows["users"] = len(users)
        targets_total = milestones_total = reports_total = snaps_total = 0
        for y in range(latest_year - years + 1, latest_year + 1):
            latest = y == latest_year
            year = PlanYear.objects.create(
                year=y,
                status=PlanYear.Status.EXECUTING if latest else PlanYear.Status.CLOSED,
                report_frequency=PlanYear.ReportFrequency.MONTHLY,
            )
            aspects = Aspect.objects.bulk_create(
                Aspect(plan_year=year, number=n, name=f"方面{n}") for n in range(1, 9)
            )
            state = Target.State.EXECUTING if latest else Target.State.EVALUATED
            targets = Target.objects.bulk_create(
                (
                    Target(
                        plan_year=year,
                        code=f"{y}-{i:05d}",
                        level=Target.Level.DEPARTMENT,
                        aspect=aspects[i % 8],
                        kind=Target.Kind.QUALITATIVE,
                        title=f"规模目标{y}-{i}",
                        content="内容",
                        lead_department=depts[i % departments],
                        created_by=office,
                        state=state,
                    )
                    for i in range(targets_per_year)
                ),
                batch_size=BATCH,
            )
            targets_total += len(targets)
            year_today = today if latest else datetime.date(y, 12, 31) + datetime.timedelta(60)
            ms = []
            for t in targets:
                for quarter in (1, 2, 3, 4):
                    end = year.quarter_bounds(quarter)[1]
                    for k in (0, 1):
                        due = end - datetime.timedelta(days=30 * (1 - k))
                        if due < year_today:
                            status = "achieved" if rnd.random() < 0.85 else "missed"
                        else:
                            status = "pending"
                        ms.append(
                            Milestone(
                                target=t,
                                quarter=quarter,
                                due_date=due,
                                description=f"节点{quarter}-{k}",
                                status=status,
                            )
                        )
            Milestone.objects.bulk_create(ms, batch_size=BATCH)
            milestones_total += len(ms)
            now = timezone.now()
            reports, snaps = [], []
            for t in targets:
                level = rnd.choice(LEVELS)
                for p in periods.periods_of(year):
                    if p.start > year_today:
                        break
                    due = periods.report_due_date(year, p)
                    if due < year_today:
                        r = rnd.random()
                        state_r = "verified" if r < 0.8 else "submitted" if r < 0.9 else None
                        late = rnd.random() < 0.1
                    else:
                        state_r = "draft" if rnd.random() < 0.3 else None
                        late = False
                    # 12 reports per target for a full year (the draft or missing ones of the
                    # current months are still written as drafts so every target has 12 rows).
                    reports.append(
                        ProgressReport(
                            target=t,
                            department_id=t.lead_department_id,
                            kind="main",
                            period_start=p.start,
                            period_end=p.end,
                            due_date=due,
                            state=state_r or "draft",
                            narrative="进展",
                            percent_complete=Decimal(min(100, 8 * p.number)),
                            verified_percent=Decimal(min(100, 8 * p.number))
                            if state_r == "verified"
                            else None,
                            is_late=late and state_r is not None,
                            created_by_id=t.created_by_id,
                            created_at=now,
                            updated_at=now,
                        )
                    )
                    if rnd.random() < 0.15:
                        level = rnd.choice(LEVELS)
                    snaps.append(
                        WarningSnapshot(
                            target=t,
                            period_start=p.start,
                            period_end=p.end,
                            level=level,
                            expected=Decimal(8 * p.number),
                            actual=Decimal(8 * p.number - 3),
                            reason="进度滞后" if level == "red" else "",
                            red_since=now if level == "red" else None,
                            computed_at=now,
                        )
                    )
                # A full year of 12 rows: the months not started yet get a draft too.
                for p in periods.periods_of(year):
                    if p.start > year_today:
                        reports.append(
                            ProgressReport(
                                target=t,
                                department_id=t.lead_department_id,
                                kind="main",
                                period_start=p.start,
                                period_end=p.end,
                                due_date=periods.report_due_date(year, p),
                                state="draft",
                                narrative="",
                                created_by_id=t.created_by_id,
                                created_at=now,
                                updated_at=now,
                            )
                        )
                if len(reports) >= BATCH * 4:
                    ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
                    WarningSnapshot.objects.bulk_create(snaps, batch_size=BATCH)
                    reports_total += len(reports)
                    snaps_total += len(snaps)
                    reports, snaps = [], []
            ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
            WarningSnapshot.objects.bulk_create(snaps, batch_size=BATCH)
            reports_total += len(reports)
            snaps_total += len(snaps)
        rows.update(
            targets=targets_total,
            milestones=milestones_total,
            reports=reports_total,
            snapshots=snaps_total,
        )
    return CityScale(departments, years, targets_per_year, latest_year, today, rows)
