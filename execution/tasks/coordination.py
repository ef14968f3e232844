from celery import shared_task

from ..services.coordination import coordination_escalate_overdue


@shared_task(name="execution.escalate_overdue_coordination")
def escalate_overdue_coordination() -> int:
    """Daily (beat schedule, execution migration 0002): open coordination items past their deadline go to the
    responsible vice-mayor (Shanghai Art. 16), who is told through notifications' outbox in the same
    transaction. Thin: the service does the work."""
    return coordination_escalate_overdue()
