"""The demo city (issue 2: about 40 departments, 16 districts, leaders with portfolios, users for
every role, about 180 targets in 8 aspects over all states, with milestones and threads)."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Department, LeaderPortfolio, Membership, User
from audit.models import AuditEvent
from targets.models import Aspect, Milestone, PlanYear, Target, TargetComment

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
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
    transitions = list(
        AuditEvent.objects.for_object(executing)
        .filter(action="transition")
        .values_list("transition", flat=True)
    )
    assert transitions[:1] == ["submit"]
    assert transitions[-3:] == ["negotiate", "confirm", "start_execution"]


def test_it_is_idempotent(seeded):
    before = (Target.objects.count(), User.objects.count(), Department.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert (Target.objects.count(), User.objects.count(), Department.objects.count()) == before
    assert "0" in out.getvalue()


def test_it_prints_the_demo_logins(seeded, client):
    assert "fgw_staff" in seeded and "office" in seeded and "demo12345" in seeded
    assert client.login(username="office", password="demo12345")


def test_the_auditor_finds_a_dossier_ready(seeded):
    """Issue 8: the auditor's 文档 page lists a finished dossier of an executing target."""
    from documents.models import DocumentJob

    job = DocumentJob.objects.get(requested_by__username="auditor")
    assert (job.kind, job.state) == ("target_dossier", "done")
    assert job.result["pages"] >= 2
