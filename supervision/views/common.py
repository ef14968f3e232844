"""Shared by the supervision pages: the default year, the filtered and paginated list pages, and
the timeline of a supervision record."""

import json

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render

from audit.models import AuditEvent
from targets.models import PlanYear, Target
from workflow.events import timeline
from workflow.pages import paginate


def default_plan_year() -> PlanYear | None:
    """The year supervision works on: the newest year with targets being carried out, else the
    newest year."""
    year = PlanYear.objects.filter(targets__state=Target.State.EXECUTING).order_by("-year").first()
    return year or PlanYear.objects.order_by("-year").first()


def apply_filters(qs, form, *, department_field, search_fields, overdue=True):
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    if data.get("year"):
        qs = qs.filter(plan_year__year=data["year"])
    if data.get("state"):
        qs = qs.filter(state=data["state"])
    if data.get("kind"):
        qs = qs.filter(**{form.kind_field: data["kind"]})
    if data.get("department"):
        qs = qs.filter(**{department_field: data["department"]})
    if overdue and data.get("overdue"):
        qs = qs.filter(is_overdue=True)
    if data.get("q"):
        condition = Q()
        for name in search_fields:
            condition |= Q(**{f"{name}__icontains": data["q"]})
        qs = qs.filter(condition)
    return qs.distinct() if data.get("department") and "__" in department_field else qs


def form_page(request, form, outcome, **context):
    """A record's form again: 200 when first shown, else the status of what refused it."""
    if request.method != "POST":
        status = 200
    else:
        status = outcome.status if outcome is not None and outcome.failed else 400
    return render(request, "supervision/simple_form.html", {"form": form, **context}, status=status)


def step_done(request, outcome, *, done: str, to, again):
    """After a step posted from a record's page: back to the record (``to``) with ``done``, or
    the service's refusal on top and ``again(status)``, the page with the form's errors."""
    if not outcome.failed:
        messages.success(request, done)
        return redirect(to)
    messages.error(request, outcome.message)
    return again(outcome.status)


def list_page(request, template, qs, filters, *, department_field, search_fields, **context):
    """A list page of supervision records: ``filters`` applied, one page of rows, ``context``
    (what the reader may do there) added."""
    overdue = "overdue" in filters.fields
    rows = apply_filters(
        qs,
        filters,
        department_field=department_field,
        search_fields=search_fields,
        overdue=overdue,
    )
    page, querystring = paginate(request, rows)
    return render(
        request,
        template,
        {"page_obj": page, "querystring": querystring, "filters": filters, **context},
    )


def _step(event: AuditEvent) -> tuple:
    return (
        event.actor_id,
        event.action,
        event.from_state,
        event.to_state,
        event.comment,
        json.dumps(event.changes, sort_keys=True, ensure_ascii=False),
        event.request_id,
    )


def record_timeline(obj) -> list[dict]:
    """The record's audit events, oldest first, as ``workflow.events.timeline`` presents them.
    A step about several targets is written once per target, one row after the other in the
    same transaction (so each target's timeline shows it); here it is shown once."""
    shown, previous = [], None
    for event in AuditEvent.objects.for_object(obj):
        copy = (
            previous is not None
            and _step(event) == _step(previous)
            and event.scope_object_id != previous.scope_object_id
            and abs((event.occurred_at - previous.occurred_at).total_seconds()) < 5
        )
        if not copy:
            shown.append(event)
        previous = event
    return timeline(shown, about=obj)
