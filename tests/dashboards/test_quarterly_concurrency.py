"""Two people acting on one quarterly report at once (Art. 17): exactly one succeeds, the other
is told it was already handled; nothing is written twice. Real threads on real PostgreSQL
connections (as tests/services/test_concurrency.py)."""

import pytest
from django.db import connection

from accounts.errors import Conflict
from audit.models import AuditEvent
from execution.models import QuarterlyReport
from execution.services import quarterly as q
from tests.conftest import Role, make_user
from tests.services.test_concurrency import run_together

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
    assert AuditEvent.objects.filter(transition="forward").count() == 1
