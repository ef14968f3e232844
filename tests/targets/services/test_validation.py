"""Bad input gets a clear Chinese message next to the field, and nothing is saved half-way
(issue 2). The rules: Art. 6 (quantitative targets are measurable), Art. 7 and 16 (one lead
department, each cooperating department with its task), Art. 9 (decomposition of a city target
of the same year; node targets with a time limit), Art. 15 (responsible city leaders)."""

import datetime
from decimal import Decimal

import pytest

from targets import services
from targets.models import Aspect, PlanYear, Target, TargetDepartment
from tests.conftest import qualitative_input, quantitative_input
from tests.targets.conftest import nothing_written
from workflow.errors import NotPermitted, ValidationFailed

Role = TargetDepartment.Role


def cooperating(department, task="配合推进"):
    return services.DepartmentInput(department=department, role=Role.COOPERATING, task=task)


def responsible(department):
    return services.DepartmentInput(department=department, role=Role.RESPONSIBLE)


@pytest.fixture(params=["create", "update"])
def save(request, plan_year, staff_a):
    """Runs the input through target_create or, on an existing draft, target_update, and returns
    the field errors, asserting that nothing was written either way."""
    if request.param == "create":

        def run(data):
            with nothing_written(), pytest.raises(ValidationFailed) as exc:
                services.target_create(by=staff_a, plan_year=plan_year, data=data)
            assert exc.value.message == "目标未保存，请更正标出的问题。"
            return exc.value.field_errors

    else:
        draft = request.getfixturevalue("draft")

        def run(data):
            with nothing_written(draft), pytest.raises(ValidationFailed) as exc:
                services.target_update(target=draft, by=staff_a, data=data)
            assert exc.value.message == "目标未保存，请更正标出的问题。"
            return exc.value.field_errors

    return run


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ({"indicator": ""}, "indicator", "定量目标须填写指标名称。"),
        ({"indicator": "   "}, "indicator", "定量目标须填写指标名称。"),
        ({"unit": ""}, "unit", "定量目标须填写计量单位。"),
        ({"target_value": None}, "target_value", "定量目标须填写目标值。"),
        ({"direction": ""}, "direction", "定量目标须选择指标方向（越高越好或越低越好）。"),
        ({"direction": "sideways"}, "direction", "定量目标须选择指标方向（越高越好或越低越好）。"),
    ],
)
def test_quantitative_target_needs_indicator_unit_value_and_direction(
    save, aspect, dept_a, missing, field, message
):
    """Art. 6: 定量目标是指可以准确量化和目标分解的目标任务 — without indicator, unit, target value
    and direction it cannot be measured."""
    errors = save(quantitative_input(aspect, dept_a, **missing))
    assert errors == {field: [message]}


def test_qualitative_target_needs_no_indicator(plan_year, aspect, dept_a, staff_a):
    """Art. 6: 定性目标 describes an outcome; what a form left behind is cleared."""
    target = services.target_create(
        by=staff_a,
        plan_year=plan_year,
        data=qualitative_input(aspect, dept_a, indicator="残留", target_value=Decimal(5)),
    )
    assert (target.indicator, target.target_value) == ("", None)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"content": "  "}, "content"),
        ({"kind": "vague"}, "kind"),
    ],
)
def test_title_content_and_kind_are_required(save, aspect, dept_a, overrides, field):
    """Art. 9: 目标设定要明确具体."""
    errors = save(quantitative_input(aspect, dept_a, **overrides))
    assert list(errors) == [field]


@pytest.mark.parametrize("weight", [Decimal(0), Decimal("-1"), None, Decimal(10000)])
def test_weight_must_be_positive(save, aspect, dept_a, weight):
    """Issue 2: weights are positive (and fit the column)."""
    errors = save(quantitative_input(aspect, dept_a, weight=weight))
    assert list(errors) == ["weight"]
    assert errors["weight"][0].startswith("权重")


@pytest.mark.parametrize("field", ["target_value", "baseline"])
def test_values_too_large_for_the_record_are_refused_with_a_message(save, aspect, dept_a, field):
    """A value the database cannot hold is bad input like any other, not a server error."""
    errors = save(quantitative_input(aspect, dept_a, **{field: Decimal("1e14")}))
    assert list(errors) == [field]


def test_milestone_expected_value_too_large_is_refused(save, aspect, dept_a):
    data = quantitative_input(
        aspect,
        dept_a,
        milestones=[
            services.MilestoneInput(quarter=1, description="一季度", expected_value=Decimal("1e14"))
        ],
    )
    assert list(save(data)) == ["milestones.0.expected_value"]


def test_target_has_exactly_one_lead_department(save, aspect):
    """Art. 7: 需明确牵头和配合部门 — a target without a lead department is refused with a message
    on that field, not as a permission problem."""
    errors = save(quantitative_input(aspect, None))
    assert errors == {"lead_department": ["每个目标必须有且只有一个牵头部门。"]}


def test_lead_department_is_not_also_cooperating(save, aspect, dept_a):
    """Art. 7: the lead department leads; listing it as cooperating would give it two roles."""
    errors = save(quantitative_input(aspect, dept_a, departments=[cooperating(dept_a)]))
    assert errors == {"departments.0.department": ["牵头部门不必再列为责任或配合部门。"]}


def test_a_department_is_listed_once(save, aspect, dept_a, dept_b):
    """Art. 16: one role, one task per department."""
    errors = save(
        quantitative_input(aspect, dept_a, departments=[cooperating(dept_b), responsible(dept_b)])
    )
    assert errors == {"departments.1.department": ["同一部门只能列一次。"]}


def test_cooperating_department_needs_its_task(save, aspect, dept_a, dept_b):
    """Art. 16: 明确各自的工作任务 — each cooperating department is told what it does."""
    errors = save(quantitative_input(aspect, dept_a, departments=[cooperating(dept_b, task=" ")]))
    assert errors == {"departments.0.task": ["请写明该配合部门承担的任务。"]}


def test_department_row_without_department_is_refused(save, aspect, dept_a):
    errors = save(
        quantitative_input(
            aspect, dept_a, departments=[services.DepartmentInput(department=None, role="x")]
        )
    )
    assert "departments.0.department" in errors


def test_inactive_lead_department_is_refused(plan_year, aspect, dept_a, office):
    dept_a.is_active = False
    dept_a.save()
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.target_create(
            by=office,
            plan_year=plan_year,
            data=qualitative_input(aspect, dept_a, level=Target.Level.CITY),
        )
    assert exc.value.field_errors == {"lead_department": ["牵头部门已停用。"]}


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_milestone_quarter_is_one_to_four(save, aspect, dept_a, quarter):
    """Art. 9: 有时间期限 — node targets are set per quarter of the plan year."""
    data = quantitative_input(
        aspect, dept_a, milestones=[services.MilestoneInput(quarter=quarter, description="节点")]
    )
    assert save(data) == {"milestones.0.quarter": ["季度必须是1至4。"]}


@pytest.mark.parametrize(
    ("quarter", "due_date"),
    [
        (1, datetime.date(2027, 4, 1)),  # the day after Q1
        (2, datetime.date(2027, 3, 31)),  # the day before Q2
        (4, datetime.date(2028, 1, 1)),  # next year
        (3, datetime.date(2026, 8, 15)),  # Q3 of the year before
    ],
)
def test_milestone_due_date_within_its_quarter_of_the_plan_year(
    save, aspect, dept_a, quarter, due_date
):
    """Art. 9: 有时间期限 — the time limit of a quarterly node target lies in that quarter of the
    plan year; the message names the quarter's bounds."""
    data = quantitative_input(
        aspect,
        dept_a,
        milestones=[
            services.MilestoneInput(quarter=4 if quarter != 4 else 1, description="另一季度节点"),
            services.MilestoneInput(quarter=quarter, description="节点", due_date=due_date),
        ],
    )
    errors = save(data)
    assert list(errors) == ["milestones.1.due_date"]
    assert f"2027年第{quarter}季度" in errors["milestones.1.due_date"][0]


def test_one_milestone_per_quarter(save, aspect, dept_a):
    """Huangpu's list and 002 三.3: one node target per quarter; a second one for the same
    quarter is refused (the page's Q1–Q4 table could not show it)."""
    data = quantitative_input(
        aspect,
        dept_a,
        milestones=[
            services.MilestoneInput(quarter=2, description="二季度节点"),
            services.MilestoneInput(quarter=2, description="又一个二季度节点"),
        ],
    )
    errors = save(data)
    assert list(errors) == ["milestones.1.quarter"]
    assert errors["milestones.1.quarter"] == ["每个季度只能设一个节点目标。"]


def test_milestone_due_dates_on_the_quarter_bounds_are_accepted(plan_year, aspect, dept_a, staff_a):
    data = quantitative_input(
        aspect,
        dept_a,
        milestones=[
            services.MilestoneInput(1, "一季度", due_date=datetime.date(2027, 1, 1)),
            services.MilestoneInput(2, "二季度", due_date=datetime.date(2027, 6, 30)),
            services.MilestoneInput(4, "四季度"),
        ],
    )
    target = services.target_create(by=staff_a, plan_year=plan_year, data=data)
    assert list(target.milestones.values_list("due_date", flat=True)) == [
        datetime.date(2027, 1, 1),
        datetime.date(2027, 6, 30),
        datetime.date(2027, 12, 31),  # no date given: the end of the quarter
    ]


def test_milestone_needs_a_description(save, aspect, dept_a):
    data = quantitative_input(
        aspect, dept_a, milestones=[services.MilestoneInput(quarter=2, description=" ")]
    )
    assert list(save(data)) == ["milestones.0.description"]


def test_aspect_must_belong_to_the_plan_year(save, dept_a):
    """Targets are grouped by the aspects of their own year."""
    other_year = PlanYear.objects.create(year=2028, status=PlanYear.Status.PREPARING)
    other_aspect = Aspect.objects.create(plan_year=other_year, number=1, name="经济发展")
    errors = save(quantitative_input(other_aspect, dept_a))
    assert errors == {"aspect": ["请选择本年度的目标方面。"]}


def test_aspect_is_required(save, dept_a):
    assert list(save(quantitative_input(None, dept_a))) == ["aspect"]


def test_parent_must_be_a_city_target(save, plan_year, aspect, dept_a, staff_a):
    """Art. 9: department targets decompose the city's overall targets (锁链式目标体系), not one
    another."""
    other = services.target_create(
        by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a)
    )
    errors = save(quantitative_input(aspect, dept_a, parent=other))
    assert errors == {"parent": ["上级目标必须是本年度的市政府总体目标。"]}


def test_parent_must_be_of_the_same_year(save, aspect, dept_a, office, office_dept):
    """Art. 9: 上下衔接 within one year's target system."""
    other_year = PlanYear.objects.create(year=2028, status=PlanYear.Status.DRAFTING)
    other_aspect = Aspect.objects.create(plan_year=other_year, number=1, name="经济发展")
    other_city = services.target_create(
        by=office,
        plan_year=other_year,
        data=qualitative_input(other_aspect, office_dept, level=Target.Level.CITY),
    )
    errors = save(quantitative_input(aspect, dept_a, parent=other_city))
    assert errors == {"parent": ["上级目标必须是本年度的市政府总体目标。"]}


def test_city_target_has_no_parent(plan_year, aspect, office_dept, office, city_target):
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.target_create(
            by=office,
            plan_year=plan_year,
            data=qualitative_input(
                aspect, office_dept, level=Target.Level.CITY, parent=city_target
            ),
        )
    assert list(exc.value.field_errors) == ["parent"]


@pytest.mark.parametrize("field", ["lead_leader", "assisting_secretary"])
def test_responsible_leaders_must_be_city_leaders(save, aspect, dept_a, head_b, field):
    """Art. 15: 牵头负责的副市长、协助分管的秘书长 are city leaders, not department staff."""
    errors = save(quantitative_input(aspect, dept_a, **{field: head_b}))
    assert errors == {field: ["赵局长不是市领导。"]}


def test_cooperating_leaders_must_be_city_leaders(save, aspect, dept_a, head_b, vice_mayor):
    """Art. 15: 配合实施的副市长."""
    errors = save(quantitative_input(aspect, dept_a, cooperating_leaders=[vice_mayor, head_b]))
    assert errors == {"cooperating_leaders": ["赵局长不是市领导。"]}


def test_city_leaders_are_accepted(
    plan_year, aspect, dept_a, staff_a, vice_mayor, other_vice_mayor
):
    target = services.target_create(
        by=staff_a,
        plan_year=plan_year,
        data=quantitative_input(
            aspect, dept_a, lead_leader=vice_mayor, cooperating_leaders=[other_vice_mayor]
        ),
    )
    assert target.lead_leader == vice_mayor
    assert list(target.cooperating_leaders.all()) == [other_vice_mayor]


def test_every_error_is_reported_at_once(save, aspect, dept_a, dept_b):
    """One round trip shows the user everything to correct."""
    errors = save(
        quantitative_input(
            aspect,
            dept_a,
            unit="",
            weight=Decimal(0),
            departments=[cooperating(dept_b, task="")],
            milestones=[services.MilestoneInput(quarter=7, description="节点")],
        )
    )
    assert set(errors) == {"unit", "weight", "departments.0.task", "milestones.0.quarter"}


def test_staff_cannot_turn_a_draft_into_a_city_target(draft, staff_a, aspect, dept_a):
    """Art. 6, 11: the level is fixed at creation; city targets are the general office's."""
    with nothing_written(draft), pytest.raises(NotPermitted):
        services.target_update(
            target=draft,
            by=staff_a,
            data=quantitative_input(aspect, dept_a, level=Target.Level.CITY),
        )


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("1e40")])
def test_nonsense_numbers_are_refused(save, aspect, dept_a, value):
    errors = save(quantitative_input(aspect, dept_a, target_value=value))
    assert list(errors) == ["target_value"]


def test_outsider_without_lead_department_is_still_not_permitted(plan_year, aspect, outsider):
    """Reporting the missing lead department as bad input must not open creation to users who
    belong to no department."""
    with nothing_written(), pytest.raises(NotPermitted):
        services.target_create(
            by=outsider, plan_year=plan_year, data=quantitative_input(aspect, None)
        )


@pytest.mark.parametrize(
    ("field", "given", "stored"),
    [
        ("target_value", Decimal("6.55555"), Decimal("6.5556")),
        ("baseline", Decimal("0.37444"), Decimal("0.3744")),
        ("weight", Decimal("1.125"), Decimal("1.13")),
    ],
)
def test_values_are_recorded_as_stored(plan_year, aspect, dept_a, staff_a, field, given, stored):
    """Art. 14 全程记录: the revision and the audit trail show the value actually stored — the
    columns keep four decimals (weight two), so the service rounds half up (四舍五入) before saving, rather than
    letting the database round behind the record's back."""
    target = services.target_create(
        by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a, **{field: given})
    )
    in_db = Target.objects.get(pk=target.pk)
    assert getattr(in_db, field) == stored
    assert target.revisions.get().snapshot == services.target_snapshot(in_db)
    assert target.revisions.get().snapshot[field] == str(stored.normalize())
    # Saving the same form again is no change.
    services.target_update(
        target=target, by=staff_a, data=quantitative_input(aspect, dept_a, **{field: given})
    )
    assert Target.objects.get(pk=target.pk).version == 1


def test_milestone_expected_value_is_recorded_as_stored(plan_year, aspect, dept_a, staff_a):
    data = quantitative_input(
        aspect,
        dept_a,
        milestones=[
            services.MilestoneInput(
                quarter=2, description="上半年", expected_value=Decimal("0.37825")
            )
        ],
    )
    target = services.target_create(by=staff_a, plan_year=plan_year, data=data)
    assert target.milestones.get().expected_value == Decimal("0.3783")
    assert target.revisions.get().snapshot["milestones"][0]["expected_value"] == "0.3783"


def test_weight_that_rounds_to_zero_is_refused(save, aspect, dept_a):
    """A weight of 0.001 would be stored as 0.00: not positive."""
    assert save(quantitative_input(aspect, dept_a, weight=Decimal("0.001"))) == {
        "weight": ["权重必须大于0。"]
    }
