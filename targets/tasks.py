"""Celery tasks: thin — load by id, do the one thing, retry on transient failure."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Membership, User

from .models import Target


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_target_returned(self, target_id: int) -> int:
    """E-mail the lead department's staff and head that the general office returned a target,
    with the office's reasons. Returns the number of recipients."""
    target = Target.objects.select_related("lead_department").get(pk=target_id)
    reason = (
        target.comments.filter(transition="return_to_department")
        .order_by("-created_at", "-id")
        .first()
    )
    recipients = sorted(
        User.objects.filter(
            is_active=True,
            memberships__department=target.lead_department,
            memberships__role__in=[Membership.Role.STAFF, Membership.Role.HEAD],
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("【目标退回】%(code)s %(title)s") % {"code": target.code, "title": target.title}
        body = _(
            "您部门报送的目标“%(title)s”（%(code)s）已被市政府办公厅退回修改。\n\n"
            "退回意见：%(reason)s\n\n请修改后重新报送：%(url)s"
        ) % {
            "title": target.title,
            "code": target.code,
            "reason": reason.body if reason else "",
            "url": settings.SITE_URL + reverse("targets:target_detail", args=[target.pk]),
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)
