"""Documents read a fixed number of queries whatever the number of targets (asserted at 10 and
300 targets): the export, the ledger and the department dossier are joined up front."""

import pytest
from django.template.loader import render_to_string

from documents import excel, pdf, selectors
from targets.models import Milestone, Target, TargetDepartment

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark]


def _bulk(n, *, plan_year, aspect, lead, other, creator):
    targets = Target.objects.bulk_create(
        Target(
            plan_year=plan_year,
            code=f"2027-{i + 1:04d}",
            aspect=aspect,
            kind="quantitative",
            title=f"目标{i + 1}",
            content="内容",
            indicator="指标",
            unit="%",
            target_value=5,
            direction="higher",
            lead_department=lead,
            created_by=creator,
        )
        for i in range(n)
    )
    Milestone.objects.bulk_create(
        Milestone(target=t, quarter=q, due_date=plan_year.quarter_bounds(q)[1], description="节点")
        for t in targets
        for q in (1, 2, 3, 4)
    )
    TargetDepartment.objects.bulk_create(
        TargetDepartment(target=t, department=other, role="cooperating", task="配合")
        for t in targets
    )


# The year asked for; plan years, aspects and departments of the list page's filter form; the
# user's memberships and portfolio; targets; milestones; departments; cooperating leaders.
EXPORT_QUERIES = 10
# The year; memberships and portfolio; targets; milestones; departments; cooperating leaders
# (the table's shared prefetch).
LEDGER_QUERIES = 7


@pytest.mark.parametrize("n", [10, 300])
def test_export_queries_are_fixed(
    n, django_assert_num_queries, plan_year, aspect, dept_a, dept_b, staff_a, office
):
    _bulk(n, plan_year=plan_year, aspect=aspect, lead=dept_a, other=dept_b, creator=staff_a)
    with django_assert_num_queries(EXPORT_QUERIES):
        _year, qs = selectors.filtered_targets(office, {"year": ["2027"]})
        content = excel.write_target_list(list(selectors.table_targets(qs)), title="清单")
    assert content.startswith(b"PK")


@pytest.mark.parametrize("n", [10, 300])
def test_ledger_queries_are_fixed(
    n, django_assert_num_queries, monkeypatch, plan_year, aspect, dept_a, dept_b, staff_a, office
):
    _bulk(n, plan_year=plan_year, aspect=aspect, lead=dept_a, other=dept_b, creator=staff_a)
    rendered = {}

    def template_only(template, context, *, progress=None):
        rendered["html"] = render_to_string(template, context)
        return b"%PDF", 1

    monkeypatch.setattr(pdf, "render_pdf", template_only)
    with django_assert_num_queries(LEDGER_QUERIES):
        pdf.year_ledger(user=office, year=2027)
    assert rendered["html"].count("<tr>") == n + 1
