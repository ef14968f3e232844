"""In-app notifications and their e-mail outbox (efficiency opinions 五.6 到期提醒).

A ``Notification`` row is written in the same transaction as the event it tells about; it is
both what the recipient sees in the notification centre and the outbox entry of its e-mail,
which a Celery task delivers after commit (``email_status``), retrying with back-off.

The one outbox also carries e-mails to people who are not users — citizens following public
targets (issue 21 item 5): such a row has ``recipient_email`` instead of a ``recipient``, so it
belongs to nobody's inbox or bell, and it always carries a one-click unsubscribe link.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


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
        # empty for an e-mail to an address alone (``recipient_email``): no inbox shows it
        null=True,
        blank=True,
    )
    # An e-mail-only recipient (a citizen following public targets, issue 21 item 5): the
    # address is all that is kept of them (个人信息保护法: the least data for the purpose).
    # Database defaults, so the reminder sweep's raw INSERT needs no new columns.
    recipient_email = models.EmailField(_("接收邮箱"), blank=True, default="", db_default="")
    # Where an e-mail-only recipient stops these e-mails with one click (RFC 8058); sent as
    # the ``List-Unsubscribe`` headers.
    unsubscribe_url = models.CharField(
        _("退订链接"), max_length=500, blank=True, default="", db_default=""
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
            ),
            # The same for an address (NULL recipients never collide in the constraint above):
            # e.g. one digest per subscriber and day.
            models.UniqueConstraint(
                fields=["key", "recipient_email"],
                condition=~models.Q(key="") & models.Q(recipient__isnull=True),
                name="notification_once_per_key_and_address",
            ),
            # A user or an address, never both or neither.
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, recipient_email="")
                | models.Q(recipient__isnull=True) & ~models.Q(recipient_email=""),
                name="notification_user_or_address",
            ),
            # Every e-mail to an address carries its one-click unsubscribe link.
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(unsubscribe_url=""),
                name="notification_address_can_unsubscribe",
            ),
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


def _only_the_worker(run, user) -> bool:
    """A run's steps are the background worker's (``transition_apply(..., by=None)``)."""
    return False


class ReminderRun(ConcurrentTransitionMixin, models.Model):
    """催办批次 (issue 19 item 3): one confirmed round of reminders sent in the background — the
    office's 催报 of late progress reports, evaluation's 催办 of unsubmitted score sheets — with
    its progress, which the requester watches (efficiency opinions 五.6). What a run does is its
    source's (``notifications.runs.register_source``); this row only counts."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("发送中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    source = models.CharField(_("催办类型"), max_length=40)
    title = models.CharField(_("事项"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = FSMField(_("状态"), max_length=20, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    sent = models.PositiveIntegerField(_("已发出提醒"), default=0)
    skipped = models.PositiveIntegerField(_("今日已催办而跳过"), default=0)
    back_url = models.CharField(_("返回页面"), max_length=300, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("催办批次")
        verbose_name_plural = pgettext_lazy("plural", "催办批次")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.state == self.State.DONE else 0
        return min(100, round(100 * self.done / self.total))

    @property
    def is_pending(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @transition(
        field=state,
        source=[State.QUEUED, State.RUNNING],
        target=State.RUNNING,
        permission=_only_the_worker,
        custom={"label": _("开始发送")},
    )
    def start(self):
        pass

    @transition(
        field=state,
        source=State.RUNNING,
        target=State.DONE,
        permission=_only_the_worker,
        custom={"label": _("发送完成")},
    )
    def finish(self):
        pass

    @transition(
        field=state,
        source=[State.QUEUED, State.RUNNING],
        target=State.FAILED,
        permission=_only_the_worker,
        custom={"label": _("发送失败")},
    )
    def fail(self):
        pass
