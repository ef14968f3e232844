"""Fixtures and helpers of the targets (formulation) tests — services, pages and API:

- row counts to prove that a refused operation wrote nothing, and the state as stored;
- targets in further states, built only through the services;
- a signed-in page client per persona and form data as the target form posts it;
- an API client acting as one persona (``act_as``, shared with every app in ``tests.helpers``)
  and request bodies.
"""

import contextlib

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from targets import services
from targets.models import (
    Milestone,
    Target,
    TargetComment,
    TargetDepartment,
    TargetRevision,
)
from tests.conftest import qualitative_input
from tests.helpers import act_as

__all__ = ["act_as", "form_data", "nothing_written", "row_counts", "state_in_db", "target_body"]

# --- services: nothing half-written ---------------------------------------------------------

WRITTEN_MODELS = (Target, Milestone, TargetDepartment, TargetComment, TargetRevision, AuditEvent)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN_MODELS}


@contextlib.contextmanager
def nothing_written(*targets: Target):
    """Asserts that the block leaves every table and the given targets (state, version, content)
    exactly as they were — the "nothing half-written" rule of issue 2."""
    before = row_counts()
    rows_before = [Target.objects.filter(pk=t.pk).values().get() for t in targets]
    yield
    assert row_counts() == before
    assert [Target.objects.filter(pk=t.pk).values().get() for t in targets] == rows_before


def state_in_db(target: Target) -> str:
    return Target.objects.values_list("state", flat=True).get(pk=target.pk)


@pytest.fixture
def returned(submitted, office):
    return services.target_return(target=submitted, by=office, comment="请补充季度节点目标")


@pytest.fixture
def city_target(plan_year, aspect, office_dept, office):
    """An overall city target (市政府总体目标, Art. 6), drafted by the general office."""
    return services.target_create(
        by=office,
        plan_year=plan_year,
        data=qualitative_input(
            aspect,
            office_dept,
            level=Target.Level.CITY,
            title="经济运行稳中有进",
            content="全市经济运行保持在合理区间。",
        ),
    )


# --- pages ------------------------------------------------------------------------------------


@pytest.fixture
def login(client):
    """``login(user)`` signs the shared test client in as that persona and returns it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def form_data(aspect, lead_department, **overrides):
    """What the target form posts for a valid quantitative target with Q1–Q4 milestones."""
    data = {
        "kind": "quantitative",
        "title": "全市地区生产总值增长6.5%",
        "content": "全年地区生产总值增速达到6.5%左右。",
        "measures": "加快重大项目建设。",
        "indicator": "地区生产总值增速",
        "unit": "%",
        "baseline": "6.0",
        "target_value": "6.5",
        "direction": "higher",
        "aspect": str(aspect.pk),
        "weight": "3",
        "lead_department": str(lead_department.pk),
        "dept_head_name": "李主任",
        "departments-TOTAL_FORMS": "3",
        "departments-INITIAL_FORMS": "0",
        "departments-MIN_NUM_FORMS": "0",
        "departments-MAX_NUM_FORMS": "1000",
    }
    for q in (1, 2, 3, 4):
        data[f"q{q}-description"] = f"第{q}季度累计增速达到目标进度"
        data[f"q{q}-expected_value"] = str(6 + q * 0.1)
    data.update(overrides)
    return data


# --- API --------------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def target_body(aspect, lead_department, **overrides) -> dict:
    """A valid quantitative department target as an API client would send it (Art. 6)."""
    body = {
        "plan_year": aspect.plan_year_id,
        "kind": "quantitative",
        "title": "全市地区生产总值增长6.5%",
        "content": "全年地区生产总值增速达到6.5%左右。",
        "measures": "加快重大项目建设，扩大有效投资。",
        "aspect": aspect.pk,
        "lead_department": lead_department.pk,
        "indicator": "地区生产总值增速",
        "unit": "%",
        "baseline": "6.00",
        "target_value": "6.50",
        "direction": "higher",
        "weight": "3",
        "milestones": [
            {"quarter": q, "description": f"第{q}季度累计增速达到目标进度"} for q in (1, 2, 3, 4)
        ],
    }
    body.update(overrides)
    return body
