"""The department home's one read of its targets (``dashboards.department.targets_of``, issue
20) gives the same rows on every database: PostgreSQL reads the cooperating departments as an
array, SQLite (``make run``) in a second query."""

import pytest
from django.db import connection

from dashboards import department


def shape(targets):
    return [(t.code, t.warning_level, sorted(t.coop_departments)) for t in targets]


@pytest.mark.django_db
def test_the_targets_and_their_cooperating_departments_alike_without_arrays(
    city, dept_a, dept_b, monkeypatch
):
    depts = [dept_a.pk]
    native = shape(department.targets_of(depts))
    # A1–A3 led by A, B1 taken part in by A (cooperating), B2 neither.
    assert [code for code, _, _ in native] == ["A1", "A2", "A3", "B1"]
    assert {code: coop for code, _, coop in native}["B1"] == [dept_a.pk]
    monkeypatch.setattr(connection, "vendor", "other")
    assert shape(department.targets_of(depts)) == native
