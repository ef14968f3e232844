"""催办全部未提交 (issue 19 item 3): a confirmation page with the count, then the round in the
background with a progress bar — never one unconfirmed click. Thin: ``services.reminding``."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from workflow.pages import form_errors

from ..services import reminding as services
from ._common import visible_scheme


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def scheme_remind(request, pk):
    """GET, or a 催办 button's POST: the page that counts and lists the sheets; its own button
    (``confirm``) queues the round."""
    scheme = visible_scheme(request, pk)
    services.require_may_remind(scheme, request.user)
    params = request.POST if request.method == "POST" else request.GET
    scope = {"body_id": _int(params.get("body")), "department_id": _int(params.get("department"))}
    error, status = "", 200
    if request.method == "POST" and request.POST.get("confirm"):
        with form_errors() as outcome:
            run = services.scheme_remind_start(
                scheme=scheme,
                by=request.user,
                expected=_int(request.POST.get("expected")),
                **scope,
            )
        if not outcome.failed:
            return redirect("notifications:run_detail", pk=run.pk)
        error, status = outcome.message, outcome.status
    sheets = list(services.sheets_to_remind(scheme, **scope))
    return render(
        request,
        "evaluation/remind_confirm.html",
        {"scheme": scheme, "sheets": sheets, "error": error, **scope},
        status=status,
    )
