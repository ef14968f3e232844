# ruff: noqa: F811 — the city fixtures are imported below and named as test parameters
"""Two people acting on one quarterly report at once (Art. 17): exactly one succeeds, the other
is told it was already handled; nothing is written twice. Real threads on real PostgreSQL
connections (as tests/services/test_concurrency.py)."""

import pytest
from django.db import connection

from audit.models import AuditEvent
from execution.models import QuarterlyReport, QuarterlySummary
from execution.services import quarterly as q
from tests.conftest import Role, make_user
from tests.dashboards.conftest import city, today, year  # noqa: F401
from tests.helpers import run_together
from workflow.errors import Conflict

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need a real database server"
    ),
]


def test_two_office_users_forwarding_at_once(city, year, staff_a, head_a, office, office_dept):
    office2 = make_user("office2", department=office_dept, role=Role.GENERAL_OFFICE)
    q.quarterly_draft(plan_year=year, quarter=2, by=office)
    report = QuarterlyReport.objects.get(department__code="fgw")
    q.quarterly_report_update(
        report=report, by=staff_a, summary="总体", narratives={city["A1"].pk: "说明"}
    )
    q.quarterly_report_submit(report=report, by=head_a)
    outcomes = run_together(
        lambda: q.quarterly_report_forward(report=report, by=office),
        lambda: q.quarterly_report_forward(report=report, by=office2),
    )
    winners = [o for o in outcomes if isinstance(o, QuarterlyReport)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], Conflict)
    assert AuditEvent.objects.with_action(QuarterlyReport, "forward").count() == 1


def test_two_office_users_publishing_the_summary_at_once(city, year, office, office_dept):
    """Art. 17: the quarterly summary is published (印发) once; the second publisher is told."""
    office2 = make_user("office2", department=office_dept, role=Role.GENERAL_OFFICE)
    q.quarterly_draft(plan_year=year, quarter=2, by=office)
    summary = QuarterlySummary.objects.get()
    q.quarterly_summary_update(summary=summary, by=office, text="二季度总体进展顺利。")
    outcomes = run_together(
        lambda: q.quarterly_summary_publish(summary=summary, by=office),
        lambda: q.quarterly_summary_publish(summary=summary, by=office2),
    )
    assert sum(isinstance(o, QuarterlySummary) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1, outcomes
    assert QuarterlySummary.objects.get().state == QuarterlySummary.State.PUBLISHED
    assert AuditEvent.objects.with_action(QuarterlySummary, "publish").count() == 1
