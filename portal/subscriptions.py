"""Citizens follow a target or a department by e-mail (issue 21 item 5): double opt-in, a
one-click unsubscribe link in every message, at most one digest per subscriber per day, and the
subscriber deletes their own data (个人信息保护法 Art. 47: deletion when the purpose ends).

Messages go through the one notification outbox (``notifications.services.email_addresses``):
rows holding only the address, written in the deciding transaction and sent after commit with
the one-click unsubscribe headers. Its unique key per address and day is what allows at most
one digest (and one confirmation e-mail) a day.
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department
from notifications.services import (
    AddressMessage,
    address_forget,
    addresses_already_sent,
    email_addresses,
)
from workflow.errors import ValidationFailed

from .models import Follow, PublicEvent, PublicTarget, Subscription

# Outbox kinds and keys of the subscribers' e-mails (one of each per address and day).
CONFIRM = "portal.confirm"
DIGEST = "portal.digest"


def _key(kind: str, day: datetime.date) -> str:
    return f"{kind}:{day.isoformat()}"


def _link(name: str, token: str) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=[token])}"


def _footer(subscription: Subscription) -> str:
    # The link opens a page whose button unsubscribes (opening it alone changes nothing, as mail
    # scanners open every link); a mail client's own button is the one click (RFC 8058 header).
    return _("退订（打开链接后点击“退订”，并可删除您的全部数据）：%(url)s") % {
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
        # One confirmation e-mail a day per address (the outbox's unique key): a stranger cannot
        # flood someone's inbox.
        followed = public_target.title if public_target else department.name
        email_addresses(
            kind=CONFIRM,
            messages=[
                AddressMessage(
                    address=subscription.email,
                    key=_key(CONFIRM, timezone.localdate()),
                    title=_("请确认订阅：%(f)s") % {"f": followed},
                    body="\n\n".join(
                        [
                            _("您（或他人使用您的邮箱）在政府工作目标公开网站订阅了“%(f)s”的动态。")
                            % {"f": followed},
                            _("确认订阅请打开以下链接，并点击“确认订阅”：%(url)s")
                            % {"url": _link("portal:confirm", subscription.token)},
                            _("如果不是您本人操作，请忽略本邮件，我们不会再给您发送任何邮件。"),
                            _footer(subscription),
                        ]
                    ),
                    unsubscribe_url=_link("portal:unsubscribe", subscription.token),
                )
            ],
        )
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
    """一键退订: every follow ends; no further message is sent. A confirmed address is kept until
    the subscriber deletes it (``subscription_delete``, offered on the unsubscribe page). An
    address never confirmed is deleted at once, with every message kept for it: its owner never
    agreed to be stored (it may have been typed by someone else), and its only use was the
    confirmation it now refuses (个人信息保护法 Art. 47). Such a subscription comes back deleted
    (``pk`` None)."""
    subscription = Subscription.objects.select_for_update().filter(token=token).first()
    if subscription is None:
        return None
    if subscription.confirmed_at is None:
        _forget(subscription)
        return subscription
    subscription.follows.all().delete()
    address_forget(address=subscription.email, pending_only=True)
    return subscription


@transaction.atomic
def subscription_delete(*, token: str) -> bool:
    """删除我的数据: the address, what it followed and every message kept for it (sent or
    waiting, in the notification outbox)."""
    subscription = Subscription.objects.select_for_update().filter(token=token).first()
    if subscription is None:
        return False
    _forget(subscription)
    return True


def _forget(subscription: Subscription) -> None:
    address_forget(address=subscription.email)
    subscription.delete()


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
    most (the outbox's unique key of the day), listing every event since their last digest.
    Runs after each public change and hourly (what a second change of the same day brings
    waits for tomorrow's). Returns the number of digests written."""
    today = today or timezone.localdate()
    key = _key(DIGEST, today)
    ids = (
        Subscription.objects.filter(confirmed_at__isnull=False, follows__isnull=False)
        .exclude(email__in=addresses_already_sent(key=key))
        .values_list("pk", flat=True)
        .distinct()
    )
    # A subscriber another run is writing to is skipped (that run sends their digest).
    waiting = Subscription.objects.select_for_update(skip_locked=True).filter(pk__in=list(ids))
    messages, last_event = [], {}
    for subscription in waiting:
        events = list(_followed_events(subscription))
        if not events:
            continue
        lines = [
            f"· {e.public_target.code} {e.public_target.title}：{e.text}\n  "
            f"{settings.SITE_URL}{reverse('portal:target', args=[e.public_target.target_id])}"
            for e in events
        ]
        messages.append(
            AddressMessage(
                address=subscription.email,
                key=key,
                title=_("您关注的政府工作目标有%(n)s条新动态") % {"n": len(events)},
                body="\n\n".join(["\n".join(lines), _footer(subscription)]),
                unsubscribe_url=_link("portal:unsubscribe", subscription.token),
            )
        )
        last_event[subscription.email] = (subscription.pk, events[-1].pk)
    written = email_addresses(kind=DIGEST, messages=messages)
    # Only a digest actually written moves its subscriber's mark on.
    for notice in written:
        pk, event_id = last_event[notice.recipient_email]
        Subscription.objects.filter(pk=pk).update(last_event_id=event_id)
    return len(written)
