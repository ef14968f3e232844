"""Two people acting at once on the evaluation (real threads, real PostgreSQL connections):
exactly one wins, the other gets a clear message, nothing is written twice."""

import pytest
from django.db import connection

from accounts.errors import Conflict
from audit.models import AuditEvent
from evaluation import services
from evaluation.models import EvaluationResult, ScoreSheet
from tests.conftest import Role, make_user
from tests.evaluation.conftest import fill, make_scheme
from tests.services.test_concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need a real database server"
    ),
]


def test_two_office_users_publishing_at_once(plan_year, city, office, office_dept, vice_mayor):
    office2 = make_user("office2", department=office_dept, role=Role.GENERAL_OFFICE)
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[city["A"]])
    services.scheme_open_scoring(scheme=scheme, by=office)
    fill(scheme, city["A"], {})
    services.scheme_lock(scheme=scheme, by=office)
    outcomes = run_together(
        lambda: services.scheme_publish(scheme=scheme, by=office),
        lambda: services.scheme_publish(scheme=scheme, by=office2),
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], Conflict), outcomes
    assert EvaluationResult.objects.filter(scheme=scheme).count() == 1
    assert AuditEvent.objects.for_object(scheme).filter(transition="publish").count() == 1


def test_two_staff_submitting_the_same_self_evaluation(plan_year, city, office, staff_a, head_a):
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[city["A"]])
    services.scheme_open_scoring(scheme=scheme, by=office)
    sheet = ScoreSheet.objects.get(scheme=scheme, is_self=True)
    entries = {
        leaf.pk: services.EntryInput(points=leaf.max_points)
        for leaf in services.sheet_leaves(sheet)
    }

    def submit(user):
        return lambda: services.sheet_save(
            sheet=sheet, by=user, entries=entries, summary="总结", submit=True
        )

    outcomes = run_together(submit(staff_a), submit(head_a))
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], Conflict), outcomes
    assert AuditEvent.objects.for_object(sheet).filter(transition="submit").count() == 1
