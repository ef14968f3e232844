"""Helpers for the service-level specification tests: row counts to prove that a refused
operation wrote nothing, and a few extra fixtures built only through the services."""

import contextlib

import pytest

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
