from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect


def home(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect("targets:target_list")


def healthz(request):
    """For load balancers and compose health checks: the process is up and the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 — any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
