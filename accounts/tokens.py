"""API tokens (API 令牌): every write — create, revoke, record a use — and the lookup the API's
authentication does (issue 17 item 4; 等保 2.0 §8.1.4.1 身份鉴别 and §8.1.4.3 安全审计).

Auditing every use as its own event would add a row to the trail for every API call of an
integration that polls every minute (half a million a year per token). Instead:

- creation and revocation are audit events (``accounts.apitoken.create`` / ``revoke``);
- every use updates the token's ``last_used_at`` / ``last_used_ip`` (at most once a minute, so
  a busy integration does not write on every request);
- the first use of each day writes one ``accounts.apitoken.use`` event naming the request, so
  the trail shows on which days each token was used and from where;
- every request, token or not, carries its request id in the response and in whatever audit
  event it writes, so a change made through a token is attributed to its user and request.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from workflow.errors import NotPermitted, ValidationFailed

from .models import ApiToken

KEY_PREFIX = "mbt_"
# How often a busy token's last-used time is written at most.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _max_days() -> int:
    return settings.API_TOKEN_MAX_DAYS


def api_token_create(*, user, name: str, scope: str, days: int, by) -> tuple[ApiToken, str]:
    """A new token for ``user``, valid ``days`` days, and its key — shown this once and never
    stored. ``by`` creates tokens for themselves; for another user (an integration's service
    account) only a superuser may. Side effect: one audit event."""
    if user.pk != by.pk and not by.is_superuser:
        raise NotPermitted(_("只能为自己创建 API 令牌。"))
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写令牌名称。")]
    if scope not in ApiToken.Scope.values:
        errors["scope"] = [_("请选择权限范围。")]
    if not isinstance(days, int) or not 1 <= days <= _max_days():
        errors["days"] = [_("有效期须为1至%(max)s天。") % {"max": _max_days()}]
    if errors:
        raise ValidationFailed(_("令牌未创建，请更正标出的问题。"), field_errors=errors)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=key[: len(KEY_PREFIX) + 6],
            digest=key_digest(key),
            scope=scope,
            created_at=now,
            created_by=by,
            expires_at=now + timedelta(days=days),
        )
        audit_record(
            actor=by,
            obj=token,
            action="create",
            changes={
                "user": [None, str(user)],
                "scope": [None, scope],
                "expires_at": [None, token.expires_at.isoformat()],
            },
        )
    return token, key


def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke ``token`` now: its owner or a superuser may. Side effect: one audit event."""
    if token.user_id != by.pk and not by.is_superuser:
        raise NotPermitted(_("只能撤销自己的 API 令牌。"))
    with transaction.atomic():
        # The row lock makes two revocations of one token record one event, not two.
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ValidationFailed(_("该令牌已撤销。"))
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=by,
            obj=token,
            action="revoke",
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
        )
    return token


def api_token_for_key(key: str) -> ApiToken | None:
    """The token ``key`` names if it may be used now (not revoked, not expired, its user
    active), else None. One indexed query on the key's digest; no password hashing."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=key_digest(key)).first()
    if token is None or not token.is_active_at(timezone.now()) or not token.user.is_active:
        return None
    return token


def api_token_used(*, token: ApiToken, address: str | None, method: str, path: str) -> None:
    """Record a use of ``token`` (see the module: last-used time, one audit event a day)."""
    now = timezone.now()
    today = timezone.localdate(now)
    if (
        token.last_used_on == today
        and token.last_used_at is not None
        and now - token.last_used_at < LAST_USED_RESOLUTION
        and token.last_used_ip == address
    ):
        return
    with transaction.atomic():
        # Conditional update: of two first requests of a day arriving together exactly one
        # matches the row and writes the day's event.
        first_today = (
            ApiToken.objects.filter(pk=token.pk)
            .exclude(last_used_on=today)
            .update(last_used_at=now, last_used_on=today, last_used_ip=address)
        )
        if first_today:
            audit_record(
                actor=token.user,
                obj=token,
                action="use",
                comment=f"{method} {path}"[:500] + (f" ({address})" if address else ""),
            )
        else:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=address)
    token.last_used_at, token.last_used_on, token.last_used_ip = now, today, address
