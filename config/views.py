import datetime

import redis
from csp.decorators import csp_update
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.utils import timezone

from accounts.access import access_for
from notifications.models import Notification


def home(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    # Each reader lands on the page with something to do or read (issue 6): leaders on their
    # dashboard, the general office on its overview, departments on their home.
    access = access_for(request.user)
    if access.is_leader:
        return redirect("dashboards:leader")
    if access.is_general_office:
        return redirect("dashboards:office")
    if access.member_departments:
        return redirect("dashboards:department")
    return redirect("targets:target_list")


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 — any database failure means unhealthy
        return {"status": "unavailable"}
    return {"status": "ok"}


def _cache() -> dict:
    is_available = getattr(cache, "is_available", None)
    if is_available is None:
        return {"status": "local"}  # local memory: nothing to reach (no REDIS_URL)
    return {"status": "ok" if is_available() else "unavailable"}


def _broker(cache_check: dict) -> dict:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(("redis://", "rediss://")):
        return {"status": "in-process"}
    if url == settings.CACHES["default"].get("LOCATION") and hasattr(cache, "is_available"):
        return cache_check  # the same Redis: asked once
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except (redis.exceptions.RedisError, OSError):
        return {"status": "unavailable"}
    finally:
        client.close()
    return {"status": "ok"}


def _worker(database_ok: bool) -> dict:
    """No worker sends a heartbeat of its own; its footprint is the e-mail outbox, which it
    empties. E-mails still pending well after they were due mean no worker is taking tasks (or
    the mail relay refuses them: the notification rows say which)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "in-process"}
    if not database_ok:
        return {"status": "unknown"}
    try:
        cutoff = timezone.now() - WORKER_OVERDUE_AFTER
        overdue = (
            Notification.objects.filter(email_status=Notification.EmailStatus.PENDING)
            .filter(
                Q(email_next_attempt_at__lt=cutoff)
                # never tried yet: due since it was written
                | Q(email_next_attempt_at__isnull=True, created_at__lt=cutoff)
            )
            .count()
        )
    except DatabaseError:  # e.g. not migrated yet: the probe itself must not fail
        return {"status": "unknown"}
    return {"status": "behind" if overdue else "ok", "overdue_emails": overdue}


WORKER_OVERDUE_AFTER = datetime.timedelta(minutes=15)


def healthz(request):
    """For load balancers and compose health checks, and for the operator: each dependency's
    state. 503 only when the web process cannot serve at all — its database; without Redis or a
    worker it keeps serving, degraded (README, "Operations")."""
    database = _database()
    cache_check = _cache()
    checks = {
        "database": database,
        "cache": cache_check,
        "broker": _broker(cache_check),
        "worker": _worker(database["status"] == "ok"),
    }
    if database["status"] != "ok":
        return JsonResponse({"status": "error", **checks}, status=503)
    degraded = any(check["status"] in ("unavailable", "behind") for check in checks.values())
    return JsonResponse({"status": "degraded" if degraded else "ok", **checks})


# The page carries its own <style> (it must render with static files missing): the one page
# whose Content-Security-Policy allows an inline style.
@csp_update({"style-src": ["'unsafe-inline'"]})
def server_error(request):
    """``handler500``: templates/500.html, with the request's id for the user to quote. Rendered
    without the request's context processors, which read the database."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"request_id": getattr(request, "request_id", "")})
    )
