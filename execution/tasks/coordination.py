from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import CoordinationItem
from ..services.coordination import coordination_escalate_overdue


@shared_task(name="execution.escalate_overdue_coordination")
def escalate_overdue_coordination() -> int:
    """Daily (beat schedule, execution migration 0002): open coordination items past their deadline go to the
    responsible vice-mayor (Shanghai Art. 16). Thin: the service does the work."""
    return coordination_escalate_overdue()


@shared_task(
    name="execution.notify_coordination_escalated",
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def notify_coordination_escalated(self, item_ids: list[int]) -> int:
    """E-mail each vice-mayor the coordination items just escalated to them (one message per
    item). Returns the number of messages sent."""
    items = CoordinationItem.objects.filter(pk__in=item_ids).select_related(
        "leader", "target", "raising_department"
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for item in items:
            if item.leader is None or not item.leader.email:
                continue
            subject = _("【提请协调】%(subject)s") % {"subject": item.subject}
            body = _(
                "%(department)s就目标“%(code)s %(title)s”提出的需协调事项“%(subject)s”"
                "（协调时限 %(due)s）已提请您协调。\n\n%(url)s"
            ) % {
                "department": item.raising_department,
                "code": item.target.code,
                "title": item.target.title,
                "subject": item.subject,
                "due": item.due_date.isoformat(),
                "url": settings.SITE_URL + reverse("execution:coordination_detail", args=[item.pk]),
            }
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [item.leader.email])
            sent += 1
    return sent
