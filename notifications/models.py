"""In-app notifications and their e-mail outbox (efficiency opinions 五.6 到期提醒).

A ``Notification`` row is written in the same transaction as the event it tells about; it is
both what the recipient sees in the notification centre and the outbox entry of its e-mail,
which a Celery task delivers after commit (``email_status``), retrying with back-off.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class EmailStatus(models.TextChoices):
        NONE = "none", _("不发邮件")
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
        # the inbox index (recipient, -created_at) serves every lookup by recipient; one index
        # fewer to maintain when a sweep writes 100,000 rows
        db_index=False,
    )
    kind = models.CharField(_("类别"), max_length=50)
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    obj = GenericForeignKey("content_type", "object_id")
    # Idempotency: one notification per (key, recipient) — the database refuses a second, so
    # a sweep that runs twice or overlaps itself sends nothing twice (002 五.6).
    key = models.CharField(_("去重键"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    email_status = models.CharField(
        _("邮件状态"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    email_next_attempt_at = models.DateTimeField(_("下次发送时间"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    email_error = models.TextField(_("发送错误"), blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = pgettext_lazy("plural", "消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient"],
                condition=~models.Q(key=""),
                name="notification_once_per_key_and_recipient",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["email_next_attempt_at"],
                condition=models.Q(email_status="pending"),
                name="notification_email_outbox",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailPreference(models.Model):
    """Whether a user gets notifications of one kind by e-mail too (the in-app one always
    comes). Without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="email_preferences",
    )
    kind = models.CharField(_("类别"), max_length=50)
    email = models.BooleanField(_("发送邮件"), default=True)

    class Meta:
        verbose_name = _("邮件提醒设置")
        verbose_name_plural = pgettext_lazy("plural", "邮件提醒设置")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.kind}: {self.email}"
