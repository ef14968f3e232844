"""Every supervision list runs a fixed number of SQL queries whatever the number of rows (STYLE 6),
asserted at 10 and 300 rows, for the pages and the API, as the office and as a department."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from supervision.deadlines import today
from supervision.models import (
    AccountabilityRecord,
    ExternalInput,
    Finding,
    Inspection,
    OrderAddressee,
    SupervisionOrder,
)

pytestmark = pytest.mark.django_db


def make_rows(n, *, plan_year, target, dept_a, dept_b, by):
    """n rows of every kind, half of them overdue, inserted in bulk: the query count is measured
    here, not the services."""
    past, future = today() - datetime.timedelta(days=3), today() + datetime.timedelta(days=3)
    orders = SupervisionOrder.objects.bulk_create(
        SupervisionOrder(
            plan_year=plan_year,
            code=f"督{i}",
            kind=["routine", "special", "key"][i % 3],
            title=f"督办{i}",
            requirement="要求",
            issued_on=today(),
            deadline=past if i % 2 else future,
            issued_by=by,
        )
        for i in range(n)
    )
    OrderAddressee.objects.bulk_create(
        [OrderAddressee(order=o, department=dept_a) for o in orders]
        + [OrderAddressee(order=o, department=dept_b) for o in orders[::2]]
    )
    SupervisionOrder.targets.through.objects.bulk_create(
        SupervisionOrder.targets.through(supervisionorder=o, target=target) for o in orders
    )
    findings = Finding.objects.bulk_create(
        Finding(
            plan_year=plan_year,
            code=f"问{i}",
            source="leader",
            title=f"问题{i}",
            description="描述",
            responsible_department=dept_a,
            deadline=past if i % 2 else future,
            recorded_by=by,
        )
        for i in range(n)
    )
    Finding.targets.through.objects.bulk_create(
        Finding.targets.through(finding=f, target=target) for f in findings
    )
    inspections = Inspection.objects.bulk_create(
        Inspection(
            plan_year=plan_year,
            kind="daily",
            title=f"检查{i}",
            started_on=today(),
            inspectors="吴强",
            created_by=by,
        )
        for i in range(n)
    )
    Inspection.departments.through.objects.bulk_create(
        Inspection.departments.through(inspection=i, department=dept_a) for i in inspections
    )
    inputs = ExternalInput.objects.bulk_create(
        ExternalInput(
            plan_year=plan_year,
            source="hotline",
            reference=f"12345-{i}",
            received_on=today(),
            summary="诉求",
            recorded_by=by,
        )
        for i in range(n)
    )
    ExternalInput.departments.through.objects.bulk_create(
        ExternalInput.departments.through(externalinput=x, department=dept_a) for x in inputs
    )
    ExternalInput.targets.through.objects.bulk_create(
        ExternalInput.targets.through(externalinput=x, target=target) for x in inputs
    )
    AccountabilityRecord.objects.bulk_create(
        AccountabilityRecord(
            plan_year=plan_year,
            department=dept_a,
            category="audit",
            occurred_on=today(),
            reference=f"文{i}",
            description="说明",
            created_by=by,
        )
        for i in range(n)
    )


# Per page: session, user, memberships + portfolio (access), the filter form's years and
# departments, count, page, and the prefetches of the rows; the header's memberships and unread
# count.
PAGE_QUERIES = {
    "supervision:order_list": 12,
    "supervision:finding_list": 10,
    "supervision:inspection_list": 11,
    "supervision:input_list": 12,
    "supervision:accountability_list": 10,
    "supervision:home": 11,
}
# Per API list: memberships + portfolio (access), count, page, and the rows' prefetches.
API_QUERIES = {
    "/api/v1/supervision/orders/": 6,
    "/api/v1/supervision/findings/": 4,
    "/api/v1/supervision/inspections/": 5,
    "/api/v1/supervision/external-inputs/": 6,
    "/api/v1/supervision/accountability/": 4,
}
# A department member reads the same lists with the same counts; its home has two lists
# (orders to answer, problems to rectify) instead of three.
DEPARTMENT_HOME = 10


@pytest.fixture
def rows(request, executing, dept_a, dept_b, supervisor):
    make_rows(
        request.param,
        plan_year=executing.plan_year,
        target=executing,
        dept_a=dept_a,
        dept_b=dept_b,
        by=supervisor,
    )
    return request.param


@pytest.mark.parametrize("rows", [10, 300], indirect=True)
@pytest.mark.parametrize("persona", ["supervisor", "staff_a"])
@pytest.mark.parametrize("name", list(PAGE_QUERIES))
def test_list_pages_run_a_fixed_number_of_queries(
    client, request, django_assert_num_queries, rows, persona, name
):
    client.force_login(request.getfixturevalue(persona))
    expected = (
        DEPARTMENT_HOME
        if (name == "supervision:home" and persona == "staff_a")
        else PAGE_QUERIES[name]
    )
    with django_assert_num_queries(expected):
        response = client.get(reverse(name))
    assert response.status_code == 200
    if name != "supervision:home":
        assert response.context["page_obj"].paginator.count == rows


@pytest.mark.parametrize("rows", [10, 300], indirect=True)
@pytest.mark.parametrize("persona", ["supervisor", "staff_a"])
@pytest.mark.parametrize("path", list(API_QUERIES))
def test_api_lists_run_a_fixed_number_of_queries(
    request, django_assert_num_queries, rows, persona, path
):
    client = APIClient()
    client.force_authenticate(user=User.objects.get(pk=request.getfixturevalue(persona).pk))
    with django_assert_num_queries(API_QUERIES[path]):
        response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == rows and len(body["results"]) == min(rows, 50)


@pytest.mark.parametrize("rows", [10, 300], indirect=True)
def test_the_overdue_filter_finds_half(client, rows, supervisor):
    client.force_login(supervisor)
    assert (
        client.get(reverse("supervision:order_list") + "?overdue=on")
        .context["page_obj"]
        .paginator.count
        == rows // 2
    )
    api = APIClient()
    api.force_authenticate(user=supervisor)
    assert (
        api.get("/api/v1/supervision/findings/", {"overdue": "true"}).json()["count"] == rows // 2
    )


# The bulk-issue page lists the year's targets in execution: session, user, access (2), the
# year with executing targets, count, page; the header's memberships and unread count.
BULK_PAGE_QUERIES = 9


@pytest.mark.parametrize("n", [10, 300])
def test_the_bulk_issue_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, executing, supervisor, n
):
    from targets.models import Target

    base = Target.objects.filter(pk=executing.pk).values().get()
    base.pop("id")
    Target.objects.bulk_create(
        Target(**{**base, "code": f"{executing.plan_year.year}-{i + 100:04d}", "title": f"目标{i}"})
        for i in range(n - 1)
    )
    client.force_login(supervisor)
    with django_assert_num_queries(BULK_PAGE_QUERIES):
        response = client.get(reverse("supervision:order_bulk"))
    assert response.context["page_obj"].paginator.count == n


# The target page with its supervision section (orders, findings, inputs about the target):
# the target page's own queries (tests/targets/pages/test_target_detail.py; the stages' sections
# read only what the target has, issue 20), the warning trend of the executing target, and the
# three lists with their prefetches.
TARGET_PAGE_QUERIES = 19


@pytest.mark.parametrize("rows", [10, 300], indirect=True)
def test_the_target_page_section_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, rows, executing, supervisor
):
    client.force_login(supervisor)
    with django_assert_num_queries(TARGET_PAGE_QUERIES):
        response = client.get(reverse("targets:target_detail", args=[executing.pk]))
    section = next(s for s in response.context["sections"] if s["key"] == "supervision")["context"]
    assert len(section["orders"]) == len(section["findings"]) == len(section["inputs"]) == rows
