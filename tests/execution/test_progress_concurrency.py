"""Two office users verifying the same report at the same moment (issue 5: exactly one
succeeds, the other is told it was already handled; nothing is written twice). Real threads on
real PostgreSQL connections (as tests/services/test_concurrency.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from audit.models import AuditEvent, event_action
from execution import clock
from execution.models import ProgressReport
from execution.services import progress as reports
from tests.helpers import run_together
from workflow.errors import Conflict, ValidationFailed

from .conftest import Q1, report_input

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need a real database server"
    ),
]


@pytest.fixture(autouse=True)
def today():
    # Threads do not inherit a context: the clock override is process-wide on purpose.
    with clock.frozen(datetime.date(2027, 4, 5)):
        yield


def test_two_office_users_verifying_at_once(submitted_report, office, office2):
    outcomes = run_together(
        lambda: reports.progress_report_verify(
            report=submitted_report, by=office, verified_value=Decimal("6.0"), reason="甲"
        ),
        lambda: reports.progress_report_verify(
            report=submitted_report, by=office2, verified_value=Decimal("5.9"), reason="乙"
        ),
    )
    winners = [o for o in outcomes if isinstance(o, ProgressReport)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], Conflict) and "请刷新" in losers[0].message
    report = ProgressReport.objects.get()
    assert report.verified_value == winners[0].verified_value
    assert AuditEvent.objects.with_action(ProgressReport, "verify").count() == 1


def test_verify_and_return_at_once(submitted_report, office, office2):
    outcomes = run_together(
        lambda: reports.progress_report_verify(report=submitted_report, by=office),
        lambda: reports.progress_report_return(
            report=submitted_report, by=office2, comment="请补充"
        ),
    )
    assert sum(isinstance(o, ProgressReport) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    moved = AuditEvent.objects.filter(
        action__in=[
            event_action(ProgressReport, "verify"),
            event_action(ProgressReport, "return_to_department"),
        ]
    )
    assert moved.count() == 1


def test_two_drafts_of_the_same_period_at_once(target, staff_a, head_a, media):
    outcomes = run_together(
        lambda: reports.progress_report_create(
            target=target, by=staff_a, period_start=Q1, data=report_input()
        ),
        lambda: reports.progress_report_create(
            target=target, by=head_a, period_start=Q1, data=report_input()
        ),
    )
    assert sum(isinstance(o, ProgressReport) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, ValidationFailed) for o in outcomes) == 1
    assert ProgressReport.objects.count() == 1
