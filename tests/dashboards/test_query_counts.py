"""Every dashboard (and the quarterly report list and page, with 10 or 300 targets in the
report) runs a fixed number of queries whatever the number of targets (issue 6,
speed): the same count at 10 and at 300 targets."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from execution.models import QuarterlyInstruction, QuarterlyReport
from execution.services import quarterly as q
from targets.models import Milestone

from .conftest import Q1, Q2, make_target, milestone, progress, snapshot

pytestmark = pytest.mark.django_db

# SQLite (``make run``) has no arrays: the department's cooperating departments take one more
# query there (``dashboards.department.targets_of``).
NO_ARRAYS = 0 if connection.vendor == "postgresql" else 1

EXPECTED = {
    ("vice_mayor", "/dashboard/"): 15,
    ("vice_mayor", "/api/v1/dashboards/leader/"): 13,
    # Two lists read with their counts, the as-of period inside the levels' query (issue 20).
    ("office", "/dashboard/office/"): 17,
    ("office", "/api/v1/dashboards/office/"): 15,
    ("office", "/dashboard/office/completion/"): 11,
    # The department's targets read once for its list, to-do and returned ones (issue 20).
    ("staff_a", "/dashboard/department/"): 16 + NO_ARRAYS,
    ("staff_a", "/api/v1/dashboards/department/"): 14 + NO_ARRAYS,
    ("staff_a", "/execution/quarterly/"): 8,
    ("staff_a", "/execution/quarterly/{pk}/"): 9,
    ("vice_mayor", "/api/v1/quarterly-reports/"): 8,
    ("vice_mayor", "/api/v1/quarterly-reports/{pk}/"): 7,
}


def build(n, year, dept_a, staff_a, office, head_a):
    levels = ["red", "yellow", "green"]
    for i in range(n):
        t = make_target(year, f"N{i:03d}", dept_a, 1 + i % 2, staff_a)
        snapshot(t, Q1, levels[i % 3])
        snapshot(t, Q2, levels[(i + 1) % 3], reason="滞后")
        milestone(t, Milestone.Status.ACHIEVED if i % 2 else Milestone.Status.PENDING)
        if i % 4:
            progress(t, dept_a, "verified" if i % 3 else "submitted", late=i % 5 == 0, by=staff_a)
    q.quarterly_draft(plan_year=year, quarter=2, by=office)
    report = QuarterlyReport.objects.get(department=dept_a)
    QuarterlyInstruction.objects.create(
        report=report, author=office, body="批示", created_at=datetime.datetime.now(datetime.UTC)
    )
    # Forwarded, so the vice-mayor reads it too (state set directly: the chain is tested
    # elsewhere; here only the reading is counted).
    QuarterlyReport.objects.filter(pk=report.pk).update(state="forwarded")
    return report


@pytest.mark.parametrize("n", [10, 300])
@pytest.mark.parametrize("who, url", list(EXPECTED))
def test_fixed_number_of_queries(
    client, request, n, who, url, year, dept_a, staff_a, office, head_a, vice_mayor
):
    report = build(n, year, dept_a, staff_a, office, head_a)
    user = request.getfixturevalue(who)
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url.format(pk=report.pk))
    assert response.status_code == 200
    assert len(ctx.captured_queries) == EXPECTED[(who, url)], "\n".join(
        x["sql"][:160] for x in ctx.captured_queries
    )
