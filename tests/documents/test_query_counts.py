"""Documents read a fixed number of queries whatever the number of targets (asserted at 10 and
300 targets): the export, the ledger and the department dossier are joined up front, and an
imported list is written set-wise."""

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
        content = excel.write_target_list(selectors.target_records(qs), title="清单")
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


# Importing a checked list (the apply job, as the worker runs it), savepoints included: claiming
# the job through the one transition path (7: the lock, and transition_apply's savepoint, update
# and audit row of the step "start"); locking it, the year, the sheet's lookups (departments,
# aspects, leaders, the year's codes) and the importer's memberships and portfolio (9); the
# creation — the plan year locked, its codes, one insert each of targets, departments, node
# targets, revisions and audit rows (9; this list names no cooperating leader); marking the job
# done (5: transition_apply's savepoint, update and audit row of "finish"); the job and its
# requester read back and the notice to them (8). Issue 15: each step of a job is audited (who
# had which document, when), one row each, whatever the number of targets.
# Each of the three audit writes also seals the hash chain (issue 17 item 5: lock, head, hashes
# written back: +4 each).
IMPORT_APPLY_QUERIES = 50


@pytest.mark.parametrize("n", [10, 300])
def test_import_queries_are_fixed(
    n, django_assert_num_queries, django_capture_on_commit_callbacks, upload, plan_year, office
):
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import Department
    from documents import services
    from documents.models import DocumentJob
    from tests.documents.conftest import good_row, sheet

    Department.objects.create(code="fgw", name="市发展改革委")
    Department.objects.create(code="jw", name="市教委")
    check = upload(office, sheet([good_row(i, responsible="市教委") for i in range(1, n + 1)]))
    assert check.result["ok"] and check.result["new"] == n
    with django_capture_on_commit_callbacks(execute=False):
        apply = services.import_confirm(by=office, job=check)
    ContentType.objects.get_for_model(Target)  # read once per process, whatever the list
    with django_assert_num_queries(IMPORT_APPLY_QUERIES):
        services.job_run(job_id=apply.pk)
    apply.refresh_from_db()
    assert apply.state == DocumentJob.State.DONE and apply.result["created"] == n
    assert Target.objects.filter(plan_year=plan_year).count() == n
