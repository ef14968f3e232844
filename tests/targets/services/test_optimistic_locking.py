"""Optimistic locking of content edits: a form carries the version it was read at; a save over
someone else's newer version is refused rather than silently overwriting it (DESIGN.md)."""

import pytest

from targets import services
from targets.models import Target
from tests.conftest import quantitative_input
from tests.targets.conftest import nothing_written
from workflow.errors import Conflict


def test_stale_version_is_a_conflict_that_writes_nothing(draft, staff_a, head_a, aspect, dept_a):
    """Two people opened version 1; the second save must not erase the first one's change."""
    services.target_update(
        target=draft,
        by=head_a,
        data=quantitative_input(aspect, dept_a, title="李主任的修改"),
        expected_version=1,
    )
    with nothing_written(draft), pytest.raises(Conflict) as exc:
        services.target_update(
            target=draft,
            by=staff_a,
            data=quantitative_input(aspect, dept_a, title="张填报的修改"),
            expected_version=1,
        )
    assert "第2版" in exc.value.message
    target = Target.objects.get(pk=draft.pk)
    assert (target.title, target.version) == ("李主任的修改", 2)


def test_current_version_saves_and_bumps(draft, staff_a, aspect, dept_a):
    updated = services.target_update(
        target=draft,
        by=staff_a,
        data=quantitative_input(aspect, dept_a, title="新标题"),
        expected_version=1,
    )
    assert updated.version == 2
    updated = services.target_update(
        target=draft,
        by=staff_a,
        data=quantitative_input(aspect, dept_a, title="再改"),
        expected_version=2,
    )
    assert updated.version == 3


def test_future_version_is_also_a_conflict(draft, staff_a, aspect, dept_a):
    with nothing_written(draft), pytest.raises(Conflict):
        services.target_update(
            target=draft,
            by=staff_a,
            data=quantitative_input(aspect, dept_a, title="新标题"),
            expected_version=5,
        )
