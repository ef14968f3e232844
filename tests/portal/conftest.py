"""Fixtures of the public portal (issue 21): the execution stage's executing year and target
(tests/execution/conftest.py, the day frozen on 5 April 2027), a draft beside it, and the
published records made through the portal's services."""

import pytest

from portal import services as portal
from targets import services
from tests.conftest import qualitative_input
from tests.execution.conftest import (  # noqa: F401 (fixtures)
    draft_report,
    executing_year,
    media,
    media_root,
    report_input,
    submitted_report,
    target,
    today,
)


@pytest.fixture(autouse=True)
def _local_cache(settings):
    # Each test starts from an empty public cache of its own.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def a_draft(executing, plan_year, aspect, dept_a, staff_a):
    """A second target of department A, still a draft, in the same year (made while the year
    is still open for drafting: ask for it before ``target``)."""
    return services.target_create(
        by=staff_a,
        plan_year=plan_year,
        data=qualitative_input(aspect, dept_a, title="内部草稿：尚未协商的目标"),
    )


@pytest.fixture
def published(target, office, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        return portal.target_publish(target=target, by=office)


@pytest.fixture
def published_year(a_draft, target, plan_year, office, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        return portal.year_publish(plan_year=plan_year, by=office)
