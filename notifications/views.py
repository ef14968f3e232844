"""The notification centre: the list, mark read (htmx), open the linked item, e-mail choices.

Thin views: reads through ``notifications.selectors`` (your own notifications only; anyone
else's is 404), writes through ``notifications.services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workflow.pages import paginate

from . import kinds, selectors, services

PAGE_SIZE = 20


@login_required
def notification_list(request):
    qs = selectors.notifications_for(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        qs = qs.unread()
    page, query = paginate(request, qs, per_page=PAGE_SIZE)
    return render(
        request,
        "notifications/notification_list.html",
        {"page_obj": page, "query": query, "only_unread": only_unread},
    )


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    services.notification_mark_read(notification=notification, by=request.user)
    if request.htmx:
        return render(
            request,
            "notifications/partials/notification_row.html",
            {"n": notification, "oob_count": True},
        )
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_all_read(by=request.user)
    messages.success(request, _("已将%(n)s条消息标为已读。") % {"n": count})
    return redirect("notifications:list")


@login_required
def notification_open(request, pk):
    """Follow a notification's link, marking it read. The item's own page decides whether the
    reader may still see it (404 otherwise)."""
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    services.notification_mark_read(notification=notification, by=request.user)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications:list")


@login_required
def email_preferences(request):
    available = kinds.all_kinds()
    if request.method == "POST":
        chosen = set(request.POST.getlist("email"))
        services.email_preferences_set(
            by=request.user, choices={k.key: k.key in chosen for k in available}
        )
        messages.success(request, _("邮件提醒设置已保存。"))
        return redirect("notifications:preferences")
    wanted = services.email_wanted([request.user.pk], [k.key for k in available])
    rows = [(k, wanted[(request.user.pk, k.key)]) for k in available]
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "has_email": bool(request.user.email)},
    )


# --- reminder rounds in the background (催办批次, issue 19 item 3) ----------------------------


@login_required
def run_detail(request, pk):
    """The progress of a reminder round its requester started; the bar refreshes itself
    (``static/js/runs.js`` asks for ``?fragment=1`` every second until the round is over)."""
    from .runs import visible_runs

    run = get_object_or_404(visible_runs(request.user), pk=pk)
    template = (
        "notifications/partials/run_progress.html"
        if request.GET.get("fragment")
        else "notifications/run_detail.html"
    )
    return render(request, template, {"run": run})
