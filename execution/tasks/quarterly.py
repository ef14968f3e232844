"""Drafting of the quarterly reports (Shanghai Art. 17): thin, the service does the work."""

from celery import shared_task


@shared_task(name="execution.draft_quarterly_reports")
def draft_quarterly_reports(plan_year_id: int | None = None, quarter: int | None = None) -> int:
    """Daily (beat schedule, execution migration 0004): every quarter whose report due date has
    passed is drafted or refreshed — drafts only, a person's narrative is never overwritten.
    With ``plan_year_id`` and ``quarter``: that quarter on demand (the general office's button)."""
    from targets.models import PlanYear

    from ..services.quarterly import quarterly_draft, quarterly_draft_due

    if plan_year_id is not None and quarter is not None:
        return quarterly_draft(plan_year=PlanYear.objects.get(pk=plan_year_id), quarter=quarter)
    return quarterly_draft_due()
