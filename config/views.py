from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect

from accounts.access import access_for


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


def healthz(request):
    """For load balancers and compose health checks: the process is up and the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 — any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
