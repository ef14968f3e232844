"""Citizens follow a target or a department by e-mail (issue 21 item 5): double opt-in, a
one-click unsubscribe link in every message, at most one digest per subscriber per day, and the
subscriber deletes their own data (个人信息保护法 Art. 47: deletion when the purpose ends).

Messages are rows of ``PublicNotice`` written in the deciding transaction and sent after commit
(the outbox). A subscriber is not a user of the system, so the user-bound notification outbox
cannot carry them; its pattern and back-off are reused (``notifications.delivery``).
"""

import datetime
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department
from notifications.delivery import LEASE, MAX_ATTEMPTS, backoff_seconds
from workflow.errors import ValidationFailed

from .models import Follow, PublicEvent, PublicNotice, PublicTarget, Subscription

logger = logging.getLogger(__name__)
Status = PublicNotice.Status


def _link(name: str, token: str) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=[token])}"


def _queue(notice_ids: list[int]) -> None:
    from .tasks import deliver_public_notice

    def enqueue():
        for notice_id in notice_ids:
            try:
                deliver_public_notice.delay(notice_id)
            except Exception:
                logger.exception(
                    "could not queue public notice %s; the flush will send it", notice_id
                )

    transaction.on_commit(enqueue)


def _footer(subscription: Subscription) -> str:
    return _("退订（一键退订，并可删除您的全部数据）：%(url)s") % {
        "url": _link("portal:unsubscribe", subscription.token)
    }


@transaction.atomic
def subscription_request(
    *, email: str, public_target: PublicTarget | None = None, department: Department | None = None
) -> Subscription:
    """订阅: follow one published target or one department. A new address gets a confirmation
    e-mail and is told nothing until it confirms (double opt-in); a confirmed one simply
    follows one more thing. Side effects: the subscription and follow rows; a confirmation
    notice in the outbox, sent after commit."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed(
            _("请填写有效的电子邮箱。"), field_errors={"email": [_("电子邮箱格式不正确。")]}
        ) from None
    if (public_target is None) == (department is None):
        raise ValidationFailed(_("请选择要关注的目标或部门。"))
    subscription, created = Subscription.objects.select_for_update().get_or_create(
        email=email, defaults={"token": secrets.token_urlsafe(32)}
    )
    Follow.objects.get_or_create(
        subscription=subscription, public_target=public_target, department=department
    )
    if subscription.confirmed_at is None:
        today = timezone.localdate()
        # One confirmation e-mail a day per address: a stranger cannot flood someone's inbox.
        if not subscription.notices.filter(kind=PublicNotice.Kind.CONFIRM, day=today).exists():
            followed = public_target.title if public_target else department.name
            notice = PublicNotice.objects.create(
                subscription=subscription,
                kind=PublicNotice.Kind.CONFIRM,
                day=today,
                subject=_("请确认订阅：%(f)s") % {"f": followed},
                body="\n\n".join(
                    [
                        _("您（或他人使用您的邮箱）在政府工作目标公开网站订阅了“%(f)s”的动态。")
                        % {"f": followed},
                        _("确认订阅请打开：%(url)s")
                        % {"url": _link("portal:confirm", subscription.token)},
                        _("如果不是您本人操作，请忽略本邮件，我们不会再给您发送任何邮件。"),
                        _footer(subscription),
                    ]
                ),
            )
            _queue([notice.pk])
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    """确认订阅: from now on the subscriber hears about new events (not the earlier ones)."""
    subscription = Subscription.objects.select_for_update().filter(token=token).first()
    if subscription is None:
        raise ValidationFailed(_("链接无效或订阅已删除。"))
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.last_event_id = PublicEvent.objects.aggregate(m=Max("id"))["m"] or 0
        subscription.save(update_fields=["confirmed_at", "last_event_id"])
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, token: str) -> Subscription | None:
    """一键退订: every follow ends; no further message is sent. The address is kept only until
    the subscriber deletes it (``subscription_delete``), or deleted at once if unconfirmed."""
    subscription = Subscription.objects.select_for_update().filter(token=token).first()
    if subscription is None:
        return None
    subscription.follows.all().delete()
    subscription.notices.filter(status=Status.PENDING).delete()
    return subscription


@transaction.atomic
def subscription_delete(*, token: str) -> bool:
    """删除我的数据: the address, what it followed and every message kept for it."""
    deleted, _rows = Subscription.objects.filter(token=token).delete()
    return bool(deleted)


def _followed_events(subscription: Subscription):
    targets = subscription.follows.filter(public_target__isnull=False).values("public_target")
    departments = subscription.follows.filter(department__isnull=False).values("department")
    return (
        PublicEvent.objects.filter(id__gt=subscription.last_event_id)
        .filter(
            Q(public_target__in=targets) | Q(public_target__departments__in=departments),
            public_target__state=PublicTarget.State.PUBLISHED,
        )
        .select_related("public_target")
        .distinct()
        .order_by("id")
    )


@transaction.atomic
def digests_send(*, today: datetime.date | None = None) -> int:
    """The digest of each confirmed subscriber with news: one e-mail per subscriber per day at
    most (the unique row of the day), listing every event since their last digest. Runs after
    each public change and daily (what a second change of the same day brings waits for
    tomorrow's). Returns the number of digests written."""
    today = today or timezone.localdate()
    already = PublicNotice.objects.filter(kind=PublicNotice.Kind.DIGEST, day=today).values(
        "subscription"
    )
    ids = (
        Subscription.objects.filter(confirmed_at__isnull=False, follows__isnull=False)
        .exclude(pk__in=already)
        .values_list("pk", flat=True)
        .distinct()
    )
    # A subscriber another run is writing to is skipped (that run sends their digest).
    waiting = Subscription.objects.select_for_update(skip_locked=True).filter(pk__in=list(ids))
    written = []
    for subscription in waiting:
        events = list(_followed_events(subscription))
        if not events:
            continue
        lines = [
            f"· {e.public_target.code} {e.public_target.title}：{e.text}\n  "
            f"{settings.SITE_URL}{reverse('portal:target', args=[e.public_target.target_id])}"
            for e in events
        ]
        notice = PublicNotice.objects.create(
            subscription=subscription,
            kind=PublicNotice.Kind.DIGEST,
            day=today,
            subject=_("您关注的政府工作目标有%(n)s条新动态") % {"n": len(events)},
            body="\n\n".join(["\n".join(lines), _footer(subscription)]),
        )
        Subscription.objects.filter(pk=subscription.pk).update(last_event_id=events[-1].pk)
        written.append(notice.pk)
    _queue(written)
    return len(written)


def notice_deliver(notice_id: int) -> bool:
    """Send one waiting message (claimed by one atomic UPDATE, so two workers never send it
    twice), with the one-click unsubscribe headers (RFC 2369, RFC 8058). A failure puts it back
    with the notification outbox's back-off; after ``MAX_ATTEMPTS`` it is marked failed."""
    now = timezone.now()
    claimed = PublicNotice.objects.filter(pk=notice_id, status=Status.PENDING).update(
        status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + LEASE
    )
    if not claimed:
        return False
    notice = PublicNotice.objects.select_related("subscription").get(pk=notice_id)
    unsubscribe = _link("portal:unsubscribe", notice.subscription.token)
    message = EmailMessage(
        notice.subject,
        notice.body,
        settings.DEFAULT_FROM_EMAIL,
        [notice.subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    try:
        message.send()
    except Exception as exc:
        final = notice.attempts >= MAX_ATTEMPTS
        PublicNotice.objects.filter(pk=notice_id).update(
            status=Status.FAILED if final else Status.PENDING,
            next_attempt_at=None
            if final
            else timezone.now() + datetime.timedelta(seconds=backoff_seconds(notice.attempts)),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning("public notice %s failed: %s", notice_id, exc)
        return False
    PublicNotice.objects.filter(pk=notice_id).update(
        status=Status.SENT, sent_at=timezone.now(), next_attempt_at=None, error=""
    )
    return True


def notices_flush() -> int:
    """Send what is waiting (after a broker outage or a failure whose delay has passed)."""
    now = timezone.now()
    PublicNotice.objects.filter(status=Status.SENDING, next_attempt_at__lt=now).update(
        status=Status.PENDING, next_attempt_at=now
    )
    ids = (
        PublicNotice.objects.filter(status=Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .values_list("id", flat=True)[:500]
    )
    return sum(notice_deliver(i) for i in list(ids))
