"""Two people acting at once on the evaluation (real threads, real PostgreSQL connections):
exactly one wins, the other gets a clear message, nothing is written twice."""

import pytest
from django.db import connection

from audit.models import AuditEvent
from evaluation import services
from evaluation.models import EvaluationResult, ScoreSheet
from tests.conftest import Role, make_user
from tests.evaluation.conftest import fill, make_scheme
from tests.helpers import run_together
from workflow.errors import Conflict

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
    assert AuditEvent.objects.for_object(scheme).with_action(scheme, "publish").count() == 1


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
    assert AuditEvent.objects.for_object(sheet).with_action(sheet, "submit").count() == 1


def test_two_office_users_locking_at_once(plan_year, city, office, office_dept, government):
    """Art. 14: the scheme is locked once, its submitted sheets once each."""
    office2 = make_user("office2", department=office_dept, role=Role.GENERAL_OFFICE)
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[city["A"]])
    services.scheme_open_scoring(scheme=scheme, by=office)
    fill(scheme, city["A"], {})
    outcomes = run_together(
        lambda: services.scheme_lock(scheme=scheme, by=office),
        lambda: services.scheme_lock(scheme=scheme, by=office2),
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], Conflict), outcomes
    assert AuditEvent.objects.for_object(scheme).with_action(scheme, "lock").count() == 1
    sheets = ScoreSheet.objects.filter(scheme=scheme)
    assert set(sheets.values_list("state", flat=True)) == {"locked"}
    locks = AuditEvent.objects.with_action(ScoreSheet, "lock")
    assert locks.count() == sheets.count()


def test_two_staff_acknowledging_the_same_feedback(plan_year, city, office, staff_a, head_a):
    """Zhongshan Art. 25: the department signs for its suggestions once."""
    scheme = make_scheme("wuhan", year=plan_year, by=office, departments=[city["A"]])
    services.scheme_open_scoring(scheme=scheme, by=office)
    fill(scheme, city["A"], {})
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office)
    feedback = services.feedback_write(
        scheme=scheme, department=city["A"], by=office, suggestions="加强统筹。"
    )
    outcomes = run_together(
        lambda: services.feedback_acknowledge(feedback=feedback, by=staff_a),
        lambda: services.feedback_acknowledge(feedback=feedback, by=head_a),
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], Conflict), outcomes
    assert AuditEvent.objects.for_object(feedback).with_action(feedback, "acknowledge").count() == 1
