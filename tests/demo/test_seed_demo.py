"""The demo city (issue 2: about 40 departments, 16 districts, leaders with portfolios, users for
every role, about 180 targets in 8 aspects over all states, with milestones and threads)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.access import access_for
from accounts.models import Department, LeaderPortfolio, Membership, User
from audit.models import AuditEvent
from notifications.models import Notification
from notifications.readers import readers_among
from targets.models import Aspect, Milestone, PlanYear, Target, TargetComment

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    # The demo's evidence files go to a temporary media folder, not the working tree's.
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media:
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        # Module-scoped data outlives the per-test transactions: remove it so other test
        # modules start from an empty database. TRUNCATE leaves the append-only trigger alone.
        call_command("flush", interactive=False, verbosity=0)


def test_it_builds_a_city_of_departments_and_districts(seeded):
    assert Department.objects.filter(kind="bureau").count() >= 40
    assert Department.objects.filter(kind="district").count() == 16
    for name in ["市发展改革委", "市财政局", "市审计局", "市政府办公厅", "市政府督查室"]:
        assert Department.objects.filter(name=name).exists()


def test_every_role_has_a_user_and_every_vice_mayor_a_portfolio(seeded):
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles >= {r.value for r in Membership.Role}
    vice_mayors = User.objects.filter(title="副市长")
    assert vice_mayors.count() == 6
    for vm in vice_mayors:
        assert LeaderPortfolio.objects.filter(leader=vm).exists()
    assert User.objects.filter(title="市长").count() == 1
    assert User.objects.filter(title="常务副市长").count() == 1


def test_the_mayor_and_executive_vice_mayor_read_the_whole_city(seeded):
    """Art. 17; issue 15: city-wide reading is the admin's flag, seeded for exactly these two."""
    flagged = set(User.objects.filter(reads_city_wide=True).values_list("username", flat=True))
    assert flagged == {"mayor_li", "evm_zhang"}
    assert all(access_for(User.objects.get(username=u)).city_wide for u in flagged)
    assert not access_for(User.objects.get(username="vm_wang")).city_wide


def test_about_180_targets_in_8_aspects_over_all_states(seeded):
    year = PlanYear.objects.get(year=2027)
    assert Aspect.objects.filter(plan_year=year).count() == 8
    targets = Target.objects.filter(plan_year=year)
    assert 170 <= targets.filter(level="department").count() <= 200
    assert targets.filter(level="city").exists()
    formulation = {"draft", "submitted", "returned", "negotiated", "confirmed", "executing"}
    assert set(targets.values_list("state", flat=True)) >= formulation
    assert set(targets.values_list("aspect__number", flat=True)) == set(range(1, 9))
    assert Milestone.objects.filter(target__plan_year=year).count() >= 4 * 170
    assert targets.filter(parent__isnull=False).count() > 50
    assert TargetComment.objects.filter(target__plan_year=year).count() > 100


def test_demo_history_is_real_audit_trail(seeded):
    executing = Target.objects.filter(state="executing", level="department").first()
    transitions = [
        event.verb
        for event in AuditEvent.objects.for_object(executing).order_by("occurred_at", "id")
        if event.is_transition
    ]
    assert transitions[:1] == ["submit"]
    assert transitions[-3:] == ["negotiate", "confirm", "start_execution"]


def test_demo_users_find_unread_notifications(seeded):
    """Issue 7: the demo shows the notification centre with reminders of the year in execution
    (2026, today 23 November): Q4 node targets overdue or due within days, third-quarter
    progress reports still missing, supervision orders and rectification deadlines — each to
    people who may read what it is about."""
    unread = Notification.objects.filter(read_at__isnull=True)
    overdue_q4 = Milestone.objects.filter(
        target__plan_year__year=2026,
        target__state="executing",
        quarter=4,
        due_date=datetime.date(2026, 11, 13),
        status="pending",
    ).select_related("target__lead_department")
    assert overdue_q4.exists()
    for milestone in overdue_q4:
        code = milestone.target.lead_department.code
        key = f"r:targets.milestone:{milestone.pk}:20261113:"
        assert unread.filter(
            recipient__username=f"{code}_staff", kind="overdue", key__startswith=key
        ).exists(), code
        assert unread.filter(
            recipient__username=f"{code}_head", kind="escalation", key__startswith=key
        ).exists(), code
    soon = Milestone.objects.filter(
        target__plan_year__year=2026, quarter=4, due_date=datetime.date(2026, 11, 26)
    ).first()
    assert unread.filter(key=f"r:targets.milestone:{soon.pk}:20261126:before3").exists()
    assert unread.filter(recipient__username="office", kind="escalation").exists()
    for source in (
        "execution.progress_report",
        "supervision.order",
        "supervision.finding",
    ):
        assert unread.filter(key__startswith=f"r:{source}:").exists(), source
    # Third-quarter reports still missing: reminded around their due date (10 October).
    assert unread.filter(
        key__startswith="r:execution.progress_report:", key__contains=":20261010:"
    ).exists()
    assert unread.filter(kind="target_returned").exists()
    # Events told through the one path (issue 7 item 3).
    for kind in ("progress_report_returned", "supervision_order_issued", "finding_assigned"):
        assert unread.filter(kind=kind).exists(), kind
    # Every notification about an object goes to someone who may read it.
    for n in unread.exclude(content_type=None).select_related("recipient", "content_type")[:300]:
        obj = n.content_type.get_object_for_this_type(pk=n.object_id)
        assert readers_among(obj, [n.recipient]) == [n.recipient], (n.key, n.recipient)


def test_it_is_idempotent(seeded):
    before = (
        Target.objects.count(),
        User.objects.count(),
        Department.objects.count(),
        Notification.objects.count(),
    )
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert (
        Target.objects.count(),
        User.objects.count(),
        Department.objects.count(),
        Notification.objects.count(),
    ) == before
    assert "0" in out.getvalue()


def test_it_prints_the_demo_logins(seeded, client):
    assert "fgw_staff" in seeded and "office" in seeded and "demo12345" in seeded
    assert client.login(username="office", password="demo12345")


def test_some_node_targets_are_due_before_the_quarter_ends(seeded):
    """So the demo shows that editing a target keeps dates that differ from the default."""
    year = PlanYear.objects.get(year=2027)
    dates = set(Milestone.objects.filter(target__plan_year=year).values_list("due_date", flat=True))
    assert datetime.date(2027, 3, 20) in dates and datetime.date(2027, 3, 31) in dates


def test_execution_year_shows_adjustments_coordination_and_completion(seeded):
    """Issue 5: two approved and one rejected adjustment, coordination items in each state, a
    few completed targets — all made through the services, so each has its audit trail."""
    from execution.models import AdjustmentRequest, CompletionReport, CoordinationItem

    states = list(AdjustmentRequest.objects.values_list("state", flat=True))
    assert states.count("approved") == 2 and states.count("rejected") == 1
    assert set(CoordinationItem.objects.values_list("state", flat=True)) == {
        "open",
        "escalated",
        "resolved",
    }
    assert CompletionReport.objects.filter(state="accepted").count() >= 3
    assert Target.objects.filter(state="completed").count() >= 3
    approved = AdjustmentRequest.objects.filter(state="approved").first()
    assert approved.changes and approved.result_version
    assert (
        AuditEvent.objects.for_timeline(approved.target).with_action(approved, "approve").exists()
    )


def test_the_2026_year_is_in_execution_with_a_years_progress(seeded):
    """Issue 5: the current year's executing targets have reports up to today's quarter (some
    late, some returned, verified values differing for a few) and a mix of warning levels."""
    from collections import Counter

    from execution.models import ProgressReport, WarningExplanation, WarningSnapshot

    year = PlanYear.objects.get(year=2026)
    assert year.status == "executing"
    targets = Target.objects.filter(plan_year=year, state="executing")
    assert 50 <= targets.count() <= 100
    reports = ProgressReport.objects.filter(target__plan_year=year)
    assert set(reports.values_list("period_start__month", flat=True)) == {1, 4, 7, 10}
    assert set(reports.values_list("kind", flat=True)) == {"main", "cooperating"}
    assert reports.filter(is_late=True).exists()
    assert reports.filter(state="returned").exists()
    assert reports.filter(state="draft", period_start__month=10).exists()
    differing = reports.filter(state="verified").exclude(verification_reason="")
    assert differing.exists()
    assert all(r.verified_percent != r.percent_complete for r in differing)
    current = Counter(
        WarningSnapshot.objects.filter(
            target__plan_year=year, period_start=datetime.date(2026, 10, 1)
        ).values_list("level", flat=True)
    )
    assert current["green"] > current["yellow"] > 0 and current["red"] > 0
    assert current["green"] > targets.count() / 2
    # A trend: one row per quarter so far, for every target of the year (a few have completed
    # since, through the completion review).
    year_targets = Target.objects.filter(plan_year=year).count()
    assert WarningSnapshot.objects.filter(target__plan_year=year).count() == 4 * year_targets
    assert WarningExplanation.objects.filter(target__plan_year=year).exists()
    assert reports.filter(evidence__isnull=False).exists()


def test_the_supervision_year_is_seeded(seeded):
    """Issue 9: orders of each kind and state (some overdue), two inspections with findings in
    every rectification state, hotline and deputies' inputs linked to targets, accountability
    records for three departments."""
    from supervision.models import (
        AccountabilityRecord,
        ExternalInput,
        Finding,
        Inspection,
        SupervisionOrder,
    )
    from supervision.selectors import order_list

    orders = SupervisionOrder.objects.all()
    assert set(orders.values_list("kind", flat=True)) == {"routine", "special", "key"}
    assert set(orders.values_list("state", flat=True)) == {
        "issued",
        "replied",
        "closed",
        "reopened",
    }
    supervisor = User.objects.get(username="supervisor")
    assert order_list(supervisor).filter(is_overdue=True).count() >= 2
    assert Inspection.objects.count() == 2
    assert set(Finding.objects.exclude(inspection=None).values_list("state", flat=True)) == set(
        Finding.State.values
    )
    sources = set(ExternalInput.objects.exclude(targets=None).values_list("source", flat=True))
    assert {"hotline", "npc", "cppcc"} <= sources
    records = AccountabilityRecord.objects.filter(plan_year__year=2026)
    assert records.values("department").distinct().count() == 3
    # Every order's department has someone to answer it.
    staff = User.objects.get(username=f"{orders.first().departments.first().code}_staff")
    assert order_list(staff).exists()


def test_the_auditor_finds_a_dossier_ready(seeded):
    """Issue 8: the auditor's 文档 page lists a finished dossier of an executing target."""
    from documents.models import DocumentJob

    job = DocumentJob.objects.get(requested_by__username="auditor")
    assert (job.kind, job.state) == ("target_dossier", "done")
    assert job.result["pages"] >= 2


def test_quarterly_reports_in_every_state_with_instructions_and_summaries(seeded):
    """Issue 6: the past quarters of 2026 in every state, the vice-mayors' instructions, the
    office's summaries; each demo login lands on a page with something to do or read."""
    from execution.models import QuarterlyInstruction, QuarterlyReport, QuarterlySummary

    reports = QuarterlyReport.objects.filter(plan_year__year=2026)
    assert set(reports.values_list("quarter", flat=True)) == {1, 2, 3}
    assert set(reports.values_list("state", flat=True)) == {
        "draft",
        "submitted",
        "forwarded",
        "read",
    }
    assert QuarterlyInstruction.objects.filter(answer="").exists()
    assert QuarterlyInstruction.objects.exclude(answer="").exists()
    assert set(QuarterlySummary.objects.values_list("quarter", "state")) == {
        (1, "published"),
        (2, "published"),
        (3, "draft"),
    }


@pytest.mark.parametrize(
    "username, page, marker",
    [
        ("vm_wang", "/dashboard/", 'id="reports-to-read"><h2>待阅季度报告</h2>\n<ul>'),
        ("evm_zhang", "/dashboard/", 'id="reports-to-read"><h2>待阅季度报告</h2>\n<ul>'),
        (
            "office",
            "/dashboard/office/",
            'id="quarterly-to-forward"><h2>待转呈的季度报告</h2>\n<ul>',
        ),
        ("fgw_staff", "/dashboard/department/", "<h2>待答复的领导批示</h2>\n<ul>"),
    ],
)
def test_each_demo_login_lands_on_something_to_do(seeded, client, username, page, marker):
    from execution import clock

    client.force_login(User.objects.get(username=username))
    with clock.frozen(datetime.date(2026, 11, 23)):
        response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == page
    assert marker in response.content.decode()


def test_2025_went_through_every_stage_to_evaluated(seeded):
    """Issue 16 item 11: an auditor follows one past year end to end — 2025's targets were
    drafted, negotiated and confirmed (Shanghai Art. 8–11), executed with a verified report every
    quarter (Art. 14), supervised (Art. 18–22), reported done (办结) and evaluated when the 2025
    scheme was published (Zhongshan Art. 19–25)."""
    from evaluation.models import EvaluationResult, EvaluationScheme
    from execution.models import CompletionReport, ProgressReport
    from supervision.models import SupervisionOrder

    year = PlanYear.objects.get(year=2025)
    targets = list(Target.objects.filter(plan_year=year).order_by("code"))
    assert len(targets) >= 5
    assert {t.state for t in targets} == {"evaluated"}
    scheme = EvaluationScheme.objects.get(plan_year=year)
    assert scheme.state == "published"
    assert EvaluationResult.objects.filter(scheme=scheme).count() == 15
    for target in targets:
        verified = ProgressReport.objects.filter(target=target, kind="main", state="verified")
        assert verified.count() == 4, target.code
    evaluated = AuditEvent.objects.with_action(Target, "evaluate").filter(
        object_id__in=[str(t.pk) for t in targets]
    )
    # Four reported done and accepted, one evaluated straight from execution (not finished).
    assert sorted(evaluated.values_list("from_state", flat=True)) == ["completed"] * 4 + [
        "executing"
    ]
    assert CompletionReport.objects.filter(target__in=targets, state="accepted").count() == 4
    assert SupervisionOrder.objects.filter(plan_year=year, state="closed").count() == 1

    timeline = AuditEvent.objects.for_timeline(targets[0])
    verbs = [e.action.removeprefix("targets.target.") for e in timeline]
    steps = ["create", "submit", "negotiate", "confirm", "start_execution", "complete", "evaluate"]
    assert [v for v in verbs if v in steps] == steps


def test_the_demo_audit_trail_carries_the_replayed_dates(seeded):
    """Issue 16 item 11: no audit row is dated after the demo's today (the seeding moment is
    later); a 2025 target's timeline runs from its drafting in September 2024 to its evaluation
    on the day the results were published, in order."""
    from django.utils import timezone

    from demo.execution_progress import DEMO_TODAY

    latest = AuditEvent.objects.order_by("-occurred_at").first()
    assert timezone.localdate(latest.occurred_at) <= DEMO_TODAY
    target = Target.objects.filter(plan_year__year=2025).order_by("code").first()
    events = list(AuditEvent.objects.for_timeline(target))
    dates = [timezone.localdate(e.occurred_at) for e in events]
    assert dates == sorted(dates)
    assert dates[0] == datetime.date(2024, 9, 2)
    assert dates[-1] == datetime.date(2026, 3, 10)
    # The 2026 targets' formulation is dated in 2025, not on the day the demo was seeded.
    current = Target.objects.filter(plan_year__year=2026).order_by("code").first()
    created = AuditEvent.objects.for_timeline(current).first()
    assert timezone.localdate(created.occurred_at).year == 2025


def test_the_demo_targets_and_their_adjustments_read_as_one(seeded):
    """Issue 16 item 4: every quantitative target's value moves from its baseline in its
    direction (% complete can be computed), and an approved adjustment of a target value left
    no title or content stating the old figure — 2026-0001 (增长5.5%, baseline 5.2) is adjusted
    to 5.4 and says 5.4% everywhere."""
    from execution.models import AdjustmentRequest
    from execution.selectors.changes import stale_figures
    from targets.services.inputs import target_value_direction_error

    for target in Target.objects.filter(kind="quantitative"):
        assert not target_value_direction_error(
            target.baseline, target.target_value, target.direction
        ), target.code
    value_changes = [
        a
        for a in AdjustmentRequest.objects.filter(state="approved")
        if "target_value" in (a.changes or {})
    ]
    assert value_changes
    for adjustment in value_changes:
        assert stale_figures(adjustment) == [], adjustment.target.code
    first = Target.objects.get(code="2026-0001")
    assert str(first.target_value.normalize()) == "5.4" and "5.4%" in first.title
    assert "5.5" not in first.title + first.content
