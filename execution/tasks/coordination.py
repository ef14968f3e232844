from celery import shared_task

from ..services.coordination import coordination_escalate_overdue


@shared_task(name="execution.escalate_overdue_coordination")
def escalate_overdue_coordination() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): open coordination items past their deadline go to the
    responsible vice-mayor (Shanghai Art. 16). Thin: the service does the work."""
    return coordination_escalate_overdue()
