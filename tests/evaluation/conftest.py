"""Fixtures for the evaluation tests: a small city evaluated under the built-in schemes, built
through the services, and helpers that fill sheets the way raters would."""

import datetime

import pytest

from accounts.models import Department
from evaluation import services
from evaluation.models import EvaluationScheme, ScoreSheet
from supervision.models import AccountabilityRecord
from targets import services as target_services
from tests.conftest import Role, make_user, quantitative_input


@pytest.fixture
def dept_d(db):
    return Department.objects.create(
        code="mzj", name="市民政局", short_name="民政局", category="social"
    )


@pytest.fixture
def staff_c(dept_c):
    return make_user("staff_c", department=dept_c, role=Role.STAFF, display_name="孙填报")


@pytest.fixture
def staff_d(dept_d):
    return make_user("staff_d", department=dept_d, role=Role.STAFF, display_name="周填报")


@pytest.fixture
def city(dept_a, dept_b, dept_c, dept_d, staff_a, staff_b, staff_c, staff_d, office, vice_mayor):
    """Four departments in two categories (A, B economic; C, D social), each with a staff member
    for its self-evaluation; the office (rater for most bodies), a vice-mayor (市领导)."""
    return {"A": dept_a, "B": dept_b, "C": dept_c, "D": dept_d}


def make_scheme(template_key, *, year, by, departments):
    scheme = services.scheme_create(plan_year=year, by=by, template_key=template_key)
    services.participants_set(scheme=scheme, by=by, rows=[(d, None) for d in departments])
    return scheme


def rater_for(sheet):
    """A user who fills ``sheet``: the department's staff for a self-evaluation, otherwise a
    member of the body's rater department."""
    from accounts.models import User

    if sheet.is_self:
        return User.objects.filter(
            memberships__department=sheet.department, memberships__role__in=["staff", "head"]
        ).first()
    return User.objects.filter(memberships__department=sheet.body.rater_department).first()


def fill(scheme, department, points_by_name, *, default_full=True, comment="", summary="自评报告"):
    """Submit every sheet about ``department``: its self-evaluation first, then each body's,
    giving each indicator the points named (by indicator name) or its maximum."""
    sheets = list(
        ScoreSheet.objects.filter(scheme=scheme, department=department)
        .exclude(body__kind="objective")
        .order_by("-is_self", "pk")
    )
    for sheet in sheets:
        entries = {}
        for leaf in services.sheet_leaves(sheet):
            value = points_by_name.get(leaf.name, leaf.max_points if default_full else None)
            if scheme.mode == EvaluationScheme.Mode.PASS_FAIL:
                passed = points_by_name.get(leaf.name, True)
                entries[leaf.pk] = services.EntryInput(
                    passed=passed, comment="" if passed else "未达到确定值"
                )
            else:
                entries[leaf.pk] = services.EntryInput(points=value, comment=comment or "理由")
        services.sheet_save(
            sheet=sheet,
            by=rater_for(sheet),
            entries=entries,
            summary=summary if sheet.is_self else None,
            submit=True,
        )


def accountability(year, department, category, n, *, by):
    for i in range(n):
        AccountabilityRecord.objects.create(
            plan_year=year,
            department=department,
            category=category,
            occurred_on=datetime.date(year.year, 3, 1 + i),
            reference=f"问责〔{year.year}〕{category}{i + 1}号",
            description="测试问责记录",
            created_by=by,
        )


def executing_target(plan_year, aspect, department, *, staff, head, office, **overrides):
    """A department target taken through formulation into execution by the services."""
    target = target_services.target_create(
        by=staff, plan_year=plan_year, data=quantitative_input(aspect, department, **overrides)
    )
    target = target_services.target_submit(target=target, by=head)
    target = target_services.target_negotiate(target=target, by=office)
    target = target_services.target_confirm(target=target, by=office, approval_reference="常务会议")
    return target_services.target_start_execution(target=target, by=office)
