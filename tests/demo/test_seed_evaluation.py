"""The demo city's evaluation (issue 10): 2025 evaluated and published with ranks, grades and
feedback; 2026 scoring with sheets in every state; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from evaluation.models import EvaluationResult, EvaluationScheme, Feedback, ScoreSheet

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


def test_last_year_is_published_with_ranks_grades_and_feedback(seeded):
    scheme = EvaluationScheme.objects.get(plan_year__year=2025)
    assert scheme.state == "published" and scheme.template_key == "zhongshan_2012"
    results = EvaluationResult.objects.filter(scheme=scheme)
    assert results.count() == 15
    assert set(results.values_list("category", flat=True)) == {"economic", "social", "general"}
    assert results.filter(rank=1).count() >= 3
    assert results.filter(grade="优秀").exists() and results.filter(deductions__gt=0).exists()
    states = set(Feedback.objects.filter(scheme=scheme).values_list("state", flat=True))
    assert states == {"sent", "acknowledged", "plan_filed"}


def test_this_year_is_scoring_with_sheets_in_every_state(seeded):
    scheme = EvaluationScheme.objects.get(plan_year__year=2026)
    assert scheme.state == "scoring"
    states = set(ScoreSheet.objects.filter(scheme=scheme).values_list("state", flat=True))
    assert states == {"assigned", "draft", "submitted"}
    assert set(
        ScoreSheet.objects.filter(scheme__plan_year__year=2025).values_list("state", flat=True)
    ) == {"locked"}


def test_the_raters_of_a_lagging_department_have_unread_score_sheet_reminders(seeded):
    """The office reminded one department's raters (催办, 002 五.6): unread notices, each about
    an unsubmitted sheet of that department, linking to it."""
    from notifications.models import Notification

    notices = list(Notification.objects.filter(kind="score_sheet_reminder", read_at=None))
    assert notices
    sheets = ScoreSheet.objects.in_bulk([int(n.object_id) for n in notices])
    assert len({s.department_id for s in sheets.values()}) == 1
    assert all(s.state != "submitted" for s in sheets.values())
    assert all(n.url == f"/evaluation/sheets/{n.object_id}/" for n in notices)


def test_the_auditor_is_told_the_dossier_is_ready(seeded):
    from notifications.models import Notification

    notice = Notification.objects.get(kind="document_ready")
    assert notice.recipient.username == "auditor"


def test_seeding_again_changes_nothing(seeded):
    before = (ScoreSheet.objects.count(), EvaluationResult.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (ScoreSheet.objects.count(), EvaluationResult.objects.count()) == before
