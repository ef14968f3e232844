"""The progress reports' API list at city scale (issue 20): one year unless a client asks for
another or for all; the rows written from plain values are the serializer's JSON; bad years are
bad input; and the list costs the same queries however many years are kept."""

import datetime

import pytest
from django.test import RequestFactory

from execution import clock
from execution.api.progress import ProgressReportSerializer
from execution.models import ProgressReport
from execution.selectors import progress as selectors
from targets.models import Aspect, PlanYear
from tests.helpers import act_as

from .daily import executing_targets, reports_of

pytestmark = pytest.mark.django_db
REPORTS = "/api/v1/progress-reports/"


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def closed_year(db):
    return PlanYear.objects.create(year=2026, status=PlanYear.Status.CLOSED)


def old_reports(n, *, plan_year, dept, staff_a, state="verified"):
    """``n`` filed main reports of ``plan_year``'s first month (a closed year kept on)."""
    aspect = Aspect.objects.create(plan_year=plan_year, number=1, name="往年方面")
    targets = executing_targets(
        n, plan_year=plan_year, aspect=aspect, lead=dept, created_by=staff_a, prefix="OLD"
    )
    start = datetime.date(plan_year.year, 1, 1)
    now = clock.now()
    return ProgressReport.objects.bulk_create(
        ProgressReport(
            target=t,
            department=dept,
            kind="main",
            period_start=start,
            period_end=datetime.date(plan_year.year, 1, 31),
            due_date=datetime.date(plan_year.year, 2, 10),
            state=state,
            narrative="往年进展",
            created_by=staff_a,
            created_at=now,
            updated_at=now,
        )
        for t in targets
    )


@pytest.fixture
def two_years(closed_year, executing_year, aspect, dept_a, staff_a, head_a):
    """Three submitted reports of the executing year (2027) and two of the closed one (2026)."""
    targets = executing_targets(
        3, plan_year=executing_year, aspect=aspect, lead=dept_a, created_by=staff_a
    )
    current = reports_of(
        targets, department=dept_a, state="submitted", created_by=staff_a, submitted_by=head_a
    )
    return {
        "current": current,
        "old": old_reports(2, plan_year=closed_year, dept=dept_a, staff_a=staff_a),
    }


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(r["id"] for r in response.json()["results"])


def pks(reports):
    return sorted(r.pk for r in reports)


def test_unfiltered_list_is_the_executing_year(api, two_years, office):
    client = act_as(api, office)
    response = client.get(REPORTS)
    assert ids(response) == pks(two_years["current"])
    assert response.json()["count"] == 3


def test_all_years_and_an_other_year_on_request(api, two_years, office):
    client = act_as(api, office)
    assert ids(client.get(REPORTS, {"year": "all"})) == pks(two_years["current"] + two_years["old"])
    assert ids(client.get(REPORTS, {"year": "2026"})) == pks(two_years["old"])
    assert ids(client.get(REPORTS, {"year": "2027"})) == pks(two_years["current"])
    assert ids(client.get(REPORTS, {"year": "2025"})) == []


@pytest.mark.parametrize("name", ["target", "plan_year", "period_start"])
def test_a_filter_naming_a_year_is_not_narrowed_to_the_default(api, two_years, office, name):
    old = two_years["old"][0]
    value = {
        "target": old.target_id,
        "plan_year": old.target.plan_year_id,
        "period_start": old.period_start.isoformat(),
    }[name]
    assert ids(act_as(api, office).get(REPORTS, {name: value})) == pks(
        [r for r in two_years["old"] if name != "target" or r.pk == old.pk]
    )


def test_without_an_executing_year_the_latest_closed_year(api, two_years, executing_year, office):
    PlanYear.objects.filter(pk=executing_year.pk).update(status=PlanYear.Status.CLOSED)
    assert selectors.reporting_year() == 2027
    PlanYear.objects.filter(pk=executing_year.pk).update(status=PlanYear.Status.DRAFTING)
    assert selectors.reporting_year() == 2026
    assert ids(act_as(api, office).get(REPORTS)) == pks(two_years["old"])


def test_the_default_year_never_widens_what_a_department_reads(api, two_years, staff_b):
    # B neither files nor leads any of these reports: nothing, in any year.
    client = act_as(api, staff_b)
    assert ids(client.get(REPORTS)) == []
    assert ids(client.get(REPORTS, {"year": "all"})) == []


@pytest.mark.parametrize("year", ["abc", "20266", "0", "2026.5", "-2026", "all2026", " "])
def test_a_bad_year_is_bad_input(api, two_years, office, year):
    response = act_as(api, office).get(REPORTS, {"year": year})
    if year == " ":  # blank: no year asked for
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert "年度应为四位数的年份（如 2026）或 all（全部年度）。" in str(response.json()["year"])


@pytest.mark.parametrize("year", ["abc", "99999", "0", "1e3", "2026.5"])
def test_a_bad_year_of_the_target_list_is_bad_input(api, office, year):
    response = act_as(api, office).get("/api/v1/targets/", {"plan_year__year": year})
    assert response.status_code == 400
    assert "年度应为四位数的年份，如 2026。" in str(response.json()["plan_year__year"])


def test_rows_are_the_serializers_json(api, submitted_report, draft_report, head_a, office):
    """The plain-values rows (execution.api.report_rows) say exactly what the serializer says,
    allowed actions and evidence included, to a reader who may act and one who may not."""
    ProgressReport.objects.filter(pk=submitted_report.pk).update(
        verification_comment="核实", is_late=True
    )
    for user in (head_a, office):
        response = act_as(api, user).get(REPORTS)
        rows = response.json()["results"]
        assert rows
        request = RequestFactory().get(REPORTS)
        request.user = user
        reports = selectors.report_detail_queryset(user).filter(pk__in=[r["id"] for r in rows])
        expected = {
            r["id"]: r
            for r in ProgressReportSerializer(reports, many=True, context={"request": request}).data
        }
        assert [dict(r) for r in rows] == [
            {**expected[r["id"]], "evidence": [dict(e) for e in expected[r["id"]]["evidence"]]}
            for r in rows
        ]
    assert any(r["evidence"] for r in rows)
    assert any(r["allowed_actions"] for r in rows)


# Access (2), the default year, the count, the page (narrow ids, then its rows), its evidence.
@pytest.mark.parametrize("n", [10, 300])
@pytest.mark.parametrize(
    ("params", "queries"), [({}, 6), ({"year": "all"}, 5), ({"year": "2027"}, 5)]
)
def test_queries_do_not_grow_with_reports_or_years(
    api,
    django_assert_num_queries,
    closed_year,
    executing_year,
    aspect,
    dept_a,
    staff_a,
    office,
    n,
    params,
    queries,
):
    targets = executing_targets(
        n, plan_year=executing_year, aspect=aspect, lead=dept_a, created_by=staff_a
    )
    reports_of(targets, department=dept_a, state="submitted", created_by=staff_a)
    old_reports(n, plan_year=closed_year, dept=dept_a, staff_a=staff_a)
    client = act_as(api, office)
    with django_assert_num_queries(queries):
        response = client.get(REPORTS, params)
    assert response.status_code == 200
    expected = 2 * n if params.get("year") == "all" else n
    assert response.json()["count"] == expected
    assert len(response.json()["results"]) == min(expected, 50)
