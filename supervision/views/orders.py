"""Pages for supervision orders (督办单, Shanghai Art. 18; 六.1). Thin: read through the selectors,
change through the services; unreadable orders are 404, forbidden steps 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from execution.files import attachment_response
from execution.selectors.changes import visible_coordination_items
from targets.models import Target, TargetDepartment
from targets.selectors import visible_targets
from workflow.pages import form_errors, paginate
from workflow.transitions import available_transitions

from .. import permissions as perms
from .. import selectors, services
from ..forms import BulkOrderForm, CommentForm, ExtendForm, ListFilterForm, OrderForm, ReplyForm
from ..models import OrderReply, SupervisionOrder
from .common import default_plan_year, form_page, list_page, record_timeline, step_done


@login_required
def order_list(request):
    user = request.user
    filters = ListFilterForm(
        request.GET,
        states=SupervisionOrder.State.choices,
        kinds=SupervisionOrder.Kind.choices,
        kind_label=_("督办类别"),
    )
    filters.kind_field = "kind"
    return list_page(
        request,
        "supervision/order_list.html",
        selectors.order_list(user),
        filters,
        department_field="addressees__department_id",
        search_fields=("code", "title"),
        may_issue=perms.may_issue(user),
    )


def _prefill(request, user):
    coordination = request.GET.get("coordination", "")
    if coordination.isdigit():
        item = (
            visible_coordination_items(user)
            .select_related("target")
            .filter(pk=int(coordination))
            .first()
        )
        if item is not None:
            # From a coordination item's page (Art. 16–17): the raising department and the
            # departments asked to help are addressed.
            return {
                "plan_year": item.target.plan_year_id,
                "kind": SupervisionOrder.Kind.SPECIAL,
                "coordination_items": [item.pk],
                "departments": [
                    item.raising_department_id,
                    *item.departments.values_list("pk", flat=True),
                ],
                "title": _("关于协调事项“%(subject)s”的督办") % {"subject": item.subject},
            }
    ids = [int(i) for i in request.GET.getlist("target") if i.isdigit()]
    targets = list(
        visible_targets(user).filter(pk__in=ids).select_related("plan_year", "lead_department")
    )
    if not targets:
        year = default_plan_year()
        return {"plan_year": year.pk if year else None, "kind": SupervisionOrder.Kind.ROUTINE}
    first = targets[0]
    # The lead and every cooperating department of the targets are addressed (Art. 16: each
    # department answers for its own task); the office unticks whom it means to spare.
    departments = list(dict.fromkeys(t.lead_department_id for t in targets))
    departments += [
        d
        for d in TargetDepartment.objects.filter(target__in=targets)
        .order_by("role", "id")
        .values_list("department_id", flat=True)
        if d not in departments
    ]
    return {
        "plan_year": first.plan_year_id,
        "kind": SupervisionOrder.Kind.KEY,
        "targets": "、".join(t.code for t in targets),
        "departments": departments,
        "title": _("关于“%(title)s”的督办") % {"title": first.title},
    }


def _prefilled_targets(request, user):
    ids = [int(i) for i in request.GET.getlist("target") if i.isdigit()]
    return visible_targets(user).filter(pk__in=ids) if ids else None


@login_required
def order_create(request):
    user = request.user
    services.orders.require_may_issue(user)
    form = OrderForm(
        request.POST or None,
        initial=_prefill(request, user),
        readable_targets=visible_targets(user),
        item_targets=_prefilled_targets(request, user),
    )
    outcome = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form) as outcome:
            order = services.order_issue(
                by=user,
                plan_year=data["plan_year"],
                kind=data["kind"],
                title=data["title"],
                requirement=data["requirement"],
                departments=list(data["departments"]),
                targets=data["targets"],
                coordination_items=list(data["coordination_items"]),
                matter=data["matter"],
                deadline=data["deadline"],
                days=data["days"],
                responsible_leader=data["responsible_leader"],
            )
        if not outcome.failed:
            messages.success(request, _("督办单“%(code)s”已下发。") % {"code": order.code})
            return redirect("supervision:order_detail", pk=order.pk)
    return form_page(
        request,
        form,
        outcome,
        title=_("下发督办单"),
        submit_label=_("下发"),
        back="supervision:order_list",
        tab="orders",
    )


@login_required
def order_bulk(request):
    """Bulk issue from a selection of targets: one order per lead department. The targets list
    filtered to red warnings links here with its targets ticked (``?ids=1&ids=2``, a list action
    registered in ``supervision.list_actions``)."""
    user = request.user
    services.orders.require_may_issue(user)
    year = default_plan_year()
    form = BulkOrderForm(request.POST or None)
    if request.method == "POST":
        try:
            ids = {int(i) for i in request.POST.getlist("ids")}
        except ValueError as exc:
            raise Http404 from exc
        targets = list(
            visible_targets(user).filter(pk__in=ids).select_related("plan_year", "lead_department")
        )
        if len(targets) != len(ids):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            with form_errors() as outcome:
                orders = services.orders_issue_for_targets(
                    by=user,
                    targets=targets,
                    kind=data["kind"],
                    requirement=data["requirement"],
                    deadline=data["deadline"],
                    days=data["days"],
                    responsible_leader=data["responsible_leader"],
                )
            if not outcome.failed:
                messages.success(request, _("已按牵头部门下发%(n)s份督办单。") % {"n": len(orders)})
                return redirect("supervision:order_list")
            # The selection's problems ("ids") are the message on top; the rest by the field.
            form.add_service_errors(
                {k: v for k, v in outcome.error.field_errors.items() if k != "ids"}
            )
            form.add_error(None, outcome.message)
    ticked = {
        int(i)
        for i in (request.POST.getlist("ids") or request.GET.getlist("ids"))
        if str(i).isdigit()
    }
    qs = (
        visible_targets(user)
        .filter(state__in=[Target.State.CONFIRMED, Target.State.EXECUTING])
        .select_related("lead_department", "aspect")
        .order_by("lead_department__sort_order", "code")
    )
    if year is not None:
        qs = qs.filter(plan_year=year)
    # Arriving from a list (the targets list filtered to red warnings, issue 9): show just the
    # targets ticked there; "show all" drops the ids.
    from_list = request.method == "GET" and bool(ticked)
    if from_list:
        qs = qs.filter(pk__in=ticked)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__icontains=q))
    page, querystring = paginate(request, qs)
    # Ticked targets on other pages travel as hidden fields, so none is lost on submit.
    off_page = sorted(ticked - {t.pk for t in page.object_list})
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "supervision/order_bulk.html",
        {
            "form": form,
            "page_obj": page,
            "querystring": querystring,
            "ticked": ticked,
            "off_page": off_page,
            "from_list": from_list,
            "plan_year": year,
            "q": q,
        },
        status=status,
    )


def _order_context(request, order, *, reply_form=None, comment_form=None, extend_form=None):
    user = request.user
    allowed = available_transitions(order, user)
    mine = perms.answering_departments(user)
    my_addressees = [a for a in order.addressees.all() if a.department_id in mine]
    # A department answers once per round; the round's last reply is the ``reply`` transition.
    may_reply = "reply" in allowed and any(not a.answered for a in my_addressees)
    rounds = {}
    for reply in order.replies.all():
        rounds.setdefault(reply.round, []).append(reply)
    reply_form = reply_form or ReplyForm()
    unanswered = [a.department for a in my_addressees if not a.answered]
    if len(unanswered) > 1:
        reply_form.fields["department"].queryset = type(unanswered[0]).objects.filter(
            pk__in=[d.pk for d in unanswered]
        )
    else:
        del reply_form.fields["department"]
    return {
        "order": order,
        "rounds": sorted(rounds.items()),
        "may_reply": may_reply,
        "may_close": "close" in allowed,
        "may_send_back": "send_back" in allowed,
        "may_extend": perms.may_extend(order, user),
        "may_record_finding": perms.is_supervising(user),
        "reply_form": reply_form,
        "comment_form": comment_form or CommentForm(),
        "extend_form": extend_form or ExtendForm(),
        "timeline": record_timeline(order),
        # The coordination items the order is about, as far as the reader may read them.
        "coordination_items": list(
            visible_coordination_items(user)
            .filter(supervision_orders=order)
            .select_related("target")
            .order_by("id")
        ),
    }


@login_required
def order_detail(request, pk):
    order = get_object_or_404(selectors.order_detail_queryset(request.user), pk=pk)
    return render(request, "supervision/order_detail.html", _order_context(request, order))


def _step_done(request, order, outcome, done: str, **forms):
    def again(status):
        fresh = selectors.order_detail_queryset(request.user).get(pk=order.pk)
        context = _order_context(request, fresh, **forms)
        return render(request, "supervision/order_detail.html", context, status=status)

    return step_done(
        request,
        outcome,
        done=done,
        to=reverse("supervision:order_detail", args=[order.pk]),
        again=again,
    )


@login_required
@require_POST
def order_reply(request, pk):
    user = request.user
    order = get_object_or_404(selectors.order_detail_queryset(user), pk=pk)
    form = ReplyForm(request.POST, request.FILES)
    form.fields["department"].queryset = order.departments.all()
    form.is_valid()
    data = form.cleaned_data
    with form_errors(form) as outcome:
        services.order_reply(
            order=order,
            by=user,
            body=data.get("body", ""),
            evidence=data.get("evidence"),
            department=data.get("department"),
        )
    return _step_done(request, order, outcome, _("答复已提交。"), reply_form=form)


ISSUER_STEPS = {
    "close": (services.order_close, _("督办单已办结。")),
    "send_back": (services.order_send_back, _("督办单已退回承办部门重办。")),
}


@login_required
@require_POST
def order_action(request, pk, action):
    user = request.user
    if action not in ISSUER_STEPS:
        raise Http404
    order = get_object_or_404(selectors.order_detail_queryset(user), pk=pk)
    form = CommentForm(request.POST)
    form.is_valid()
    service, done = ISSUER_STEPS[action]
    with form_errors(form) as outcome:
        service(order=order, by=user, comment=form.cleaned_data.get("comment", ""))
    return _step_done(request, order, outcome, done, comment_form=form)


@login_required
@require_POST
def order_extend(request, pk):
    user = request.user
    order = get_object_or_404(selectors.order_detail_queryset(user), pk=pk)
    form = ExtendForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    with form_errors(form) as outcome:
        order = services.order_extend(
            order=order,
            by=user,
            reason=data.get("reason", ""),
            deadline=data.get("deadline"),
            days=data.get("days"),
        )
    done = _("办理时限已延至%(date)s。") % {"date": order.deadline}
    return _step_done(request, order, outcome, done, extend_form=form)


@login_required
def reply_evidence(request, pk):
    reply = get_object_or_404(
        OrderReply.objects.filter(order__in=selectors.visible_orders(request.user)).exclude(
            evidence=""
        ),
        pk=pk,
    )
    return attachment_response(reply.evidence, display_name=reply.evidence_name)
