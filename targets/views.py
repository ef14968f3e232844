"""Pages for target formulation (Shanghai measures Art. 6–12).

Thin views: read through ``targets.selectors``, ask ``targets.permissions`` what to offer (the
transitions the user may take, from the ``@transition`` declarations on ``Target``), and change
things only through ``targets.services``, which check every permission. Objects the user may not
read are 404; what a service refuses is rendered by ``workflow.pages``: NotPermitted as the 403
page, ValidationFailed / Conflict bound to the form (``form_errors``) or as a message on the page
the action came from (``redirect_on_error``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_for
from accounts.ids import parse_ids
from accounts.models import Department
from workflow.errors import NotPermitted
from workflow.events import display_value, field_label, timeline
from workflow.pagecache import cached_page
from workflow.pages import form_errors, paginate, redirect_on_error
from workflow.transitions import transition_label

from . import permissions as perms
from . import selectors, services
from .extensions import (
    annotate_target_columns,
    target_columns,
    target_filters,
    target_list_actions,
    target_sections,
)
from .forms import CommentForm, TargetEditor, TargetFilterForm, TransitionForm
from .models import Aspect, PlanYear, Target
from .rows import narrow, target_rows_html

PAGE_SIZE = 50


class Action:
    """A transition as the pages offer it: the service's name, the model method that carries
    the state rule, permission and label (``targets.models.Target``), and what the form must
    ask for."""

    def __init__(self, name, *, needs_comment=False, needs_reference=False):
        self.name = name
        self.method = perms.TRANSITION_METHODS[name]
        self.needs_comment = needs_comment
        self.needs_reference = needs_reference

    @property
    def label(self) -> str:
        return transition_label(Target, self.method)


ACTIONS = {
    a.name: a
    for a in [
        Action("submit"),
        Action("return", needs_comment=True),
        Action("negotiate"),
        Action("confirm", needs_reference=True),
        Action("start_execution"),
    ]
}
# Returning needs a reason written for each target, so it is offered one target at a time.
BULK_ACTION_NAMES = ("submit", "negotiate", "confirm", "start_execution")


def _may_draft(user, level) -> bool:
    """Whether to offer a drafting form at all; the service decides on the department chosen."""
    if level == Target.Level.CITY:
        return perms.may_create(user, level=level, lead_department_id=None)
    return any(
        perms.may_create(user, level=level, lead_department_id=d)
        for d in access_for(user).member_departments
    )


def _transition_kwargs(request, action) -> dict:
    form = TransitionForm(request.POST)
    form.is_valid()
    return services.transition_kwargs(
        action,
        comment=form.cleaned_data.get("comment"),
        approval_reference=form.cleaned_data.get("approval_reference"),
    )


def _back_to_list(request) -> str:
    """Where a bulk action returns: the list page it was posted from (``next``), else the list."""
    wanted = request.POST.get("next") or request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("targets:target_list")


# --- list and review queue ----------------------------------------------------------------


def _table_context(request, qs, *, user):
    # Columns of later stages (the early-warning level…), see extensions.py; the rows read only
    # their own fields (targets/rows.py).
    qs = annotate_target_columns(narrow(qs))
    page, querystring = paginate(request, qs, per_page=PAGE_SIZE)
    offered = [ACTIONS[name] for name in BULK_ACTION_NAMES]
    rows = []
    for target in page.object_list:
        # The transitions' permissions read the cached access of the user: no query per row.
        rows.append((target, perms.allowed_transitions(target, user, names=BULK_ACTION_NAMES)))
    columns = target_columns()
    selectable = any(allowed for _target, allowed in rows)
    return {
        "page_obj": page,
        "rows": rows,
        "rows_html": target_rows_html(rows, selectable=selectable, extra_columns=columns),
        # Only actions the user may take on at least one row of this page are offered.
        "bulk_actions": [a for a in offered if any(a.name in allowed for _t, allowed in rows)],
        "selectable": selectable,
        "querystring": querystring,
        "extra_columns": columns,
    }


def _carry_aspect_over(query, aspects) -> None:
    """Switching the year keeps the other filters (issue 19 item 6): an aspect chosen in another
    year (each year numbers its own aspects) becomes this year's aspect of the same number, or
    is dropped — never left to invalidate the whole filter form."""
    wanted = query.get("aspect", "")
    if not wanted.isdigit() or int(wanted) in {a.pk for a in aspects}:
        return
    number = Aspect.objects.filter(pk=int(wanted)).values_list("number", flat=True).first()
    match = next((a for a in aspects if a.number == number), None)
    if match is None:
        query.pop("aspect")
    else:
        query["aspect"] = str(match.pk)


def _plan_year_from(request, years):
    wanted = request.GET.get("year")
    if wanted and wanted.isdigit():
        for year in years:
            if year.year == int(wanted):
                return year
        raise Http404(_("没有该年度。"))
    return selectors.landing_plan_year(request.user, years)


@login_required
@cached_page
def target_list(request):
    user = request.user
    years = list(PlanYear.objects.all())
    plan_year = _plan_year_from(request, years)
    aspects = list(plan_year.aspects.all()) if plan_year else []
    # The filter's choices need each department's id and name only (80 rows at city scale).
    departments = list(
        Department.objects.filter(is_active=True).order_by("sort_order", "id").only("id", "name")
    )
    initial = request.GET.copy()
    if plan_year is not None:
        initial.setdefault("year", str(plan_year.year))
    _carry_aspect_over(initial, aspects)
    filters = TargetFilterForm(initial, years=years, aspects=aspects, departments=departments)
    qs = selectors.target_list(user, plan_year=plan_year) if plan_year else Target.objects.none()
    filtered_qs = filters.filter(qs)
    context = _table_context(request, filtered_qs, user=user)
    drafting = plan_year is not None and plan_year.is_open_for_drafting
    # Links later stages offer for what the list shows (extensions.py): e.g. supervision's
    # "issue orders for these red targets".
    context["list_actions"] = target_list_actions(request, filtered_qs)
    context.update(
        plan_year=plan_year,
        filters=filters,
        filtered=any(
            request.GET.get(k)
            for k in (
                "state",
                "aspect",
                "level",
                "lead_department",
                "q",
                *(f.key for f in target_filters()),
            )
        ),
        can_create=drafting and _may_draft(user, Target.Level.DEPARTMENT),
        can_create_city=drafting and _may_draft(user, Target.Level.CITY),
        is_office=perms.may_use_review_queue(user),
    )
    return render(request, "targets/target_list.html", context)


@login_required
def review_queue(request):
    """The general office's queue: submitted targets to negotiate and negotiated ones awaiting
    the city government's confirmation (Art. 10–11)."""
    user = request.user
    if not perms.may_use_review_queue(user):
        raise PermissionDenied(_("审核队列仅供市政府办公厅（目标办）使用。"))
    years = list(PlanYear.objects.all())
    plan_year = _plan_year_from(request, years)
    qs = (
        selectors.target_list(user, plan_year=plan_year).filter(
            state__in=[Target.State.SUBMITTED, Target.State.NEGOTIATED]
        )
        if plan_year
        else Target.objects.none()
    )
    # Submitted targets (to negotiate) before negotiated ones (awaiting confirmation).
    context = _table_context(request, qs.order_by("-state", "aspect__number", "code"), user=user)
    waiting = (
        {
            action: Target.objects.filter(plan_year=plan_year, state=state).count()
            for action, state in services.YEAR_ACTIONS.items()
        }
        if plan_year
        else {}
    )
    context.update(
        plan_year=plan_year,
        years=years,
        is_office=True,
        negotiated_count=waiting.get("confirm", 0),
        confirmed_count=waiting.get("start_execution", 0),
    )
    return render(request, "targets/review_queue.html", context)


@login_required
def year_transition(request, year, action):
    """Confirm the year's whole negotiated set, or issue the task book for all confirmed targets
    (Art. 10–11). GET shows how many targets and which ones will move; only the POST from that
    page acts, and only on exactly the targets it listed (the service checks each target as it
    would one at a time, and refuses if the set has changed since)."""
    user = request.user
    plan_year = get_object_or_404(PlanYear, year=year)
    if action not in services.YEAR_ACTIONS:
        raise Http404
    services.require_year_permission(user)
    form = TransitionForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST":
        expected = parse_ids(request.POST.getlist("ids"))
        if expected is None:
            raise Http404
        kwargs = _transition_kwargs(request, action)
        with form_errors() as outcome:
            done = services.plan_year_transition_all(
                plan_year=plan_year, by=user, action=action, expected_ids=expected, **kwargs
            )
        error, status = outcome.message or None, outcome.status
        if not outcome.failed:
            messages.success(
                request,
                _("已对%(year)s年度的%(n)s个目标执行“%(action)s”。")
                % {"year": plan_year.year, "n": len(done), "action": ACTIONS[action].label},
            )
            return redirect(reverse("targets:review_queue") + f"?year={plan_year.year}")
    targets = list(selectors.year_transition_targets(user, plan_year=plan_year, action=action))
    return render(
        request,
        "targets/year_transition_confirm.html",
        {
            "plan_year": plan_year,
            "action": ACTIONS[action],
            "targets": targets,
            "form": form,
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def bulk_transition(request):
    """The same transition on the ticked targets; all or nothing (the service's rule)."""
    user = request.user
    back = _back_to_list(request)
    action = request.POST.get("action", "")
    if action not in BULK_ACTION_NAMES:
        messages.error(request, _("请选择要执行的操作。"))
        return redirect(back)
    ids = parse_ids(request.POST.getlist("ids"))
    if ids is None:
        # Not an id at all (or beyond any row's): answered like an id the user may not read.
        raise Http404
    targets, missing = selectors.visible_targets_by_ids(user, ids)
    if missing:
        # A ticked id the user may not read: answer as if it did not exist.
        raise Http404
    kwargs = _transition_kwargs(request, action)
    with form_errors() as outcome:
        done = services.targets_transition_many(targets=targets, by=user, action=action, **kwargs)
    if outcome.failed:
        messages.error(request, _("未执行任何操作：%(reason)s") % {"reason": outcome.message})
    else:
        messages.success(
            request,
            _("已对%(n)s个目标执行“%(action)s”。")
            % {"n": len(done), "action": ACTIONS[action].label},
        )
    return redirect(back)


# --- create and edit ----------------------------------------------------------------------


def _editor_page(request, editor, *, target=None, conflict=False, status=200):
    return render(
        request,
        "targets/target_form.html",
        {
            "editor": editor,
            "form": editor.form,
            "target": target,
            "plan_year": editor.plan_year,
            "level": editor.level,
            "is_city": editor.level == Target.Level.CITY,
            "conflict": conflict,
            "milestone_rows": list(zip((1, 2, 3, 4), editor.milestones, strict=True)),
        },
        status=status,
    )


@login_required
def target_create(request):
    user = request.user
    level = Target.Level.CITY if request.GET.get("level") == "city" else Target.Level.DEPARTMENT
    # Whether to offer the form at all; the service decides on the department chosen.
    if not _may_draft(user, level):
        if level == Target.Level.CITY:
            raise NotPermitted(_("市政府总体目标由市政府办公厅拟定。"))
        raise NotPermitted(_("只有部门填报员和部门主要负责人可以拟定本部门目标。"))
    plan_year = selectors.current_plan_year()
    if plan_year is None or not plan_year.is_open_for_drafting:
        raise NotPermitted(_("当前没有开放编制的年度，不能新建目标。"))
    editor = TargetEditor(user=user, plan_year=plan_year, level=level, data=request.POST or None)
    if request.method != "POST":
        return _editor_page(request, editor)
    if editor.is_valid():
        with form_errors(editor) as outcome:
            target = services.target_create(by=user, plan_year=plan_year, data=editor.to_input())
        if not outcome.failed:
            messages.success(request, _("目标“%(code)s”已保存为草稿。") % {"code": target.code})
            return redirect("targets:target_detail", pk=target.pk)
    return _editor_page(request, editor, status=400)


@login_required
def target_edit(request, pk):
    user = request.user
    target = get_object_or_404(selectors.target_detail_queryset(user), pk=pk)
    if target.is_content_locked:
        # Art. 12: the page explains the lock and where adjustments go, rather than just "no".
        return render(request, "targets/target_locked.html", {"target": target}, status=403)
    services.require_editable(target, user)
    editor = TargetEditor(
        user=user,
        plan_year=target.plan_year,
        level=target.level,
        target=target,
        data=request.POST or None,
    )
    if request.method != "POST":
        return _editor_page(request, editor, target=target)
    status = 400
    if editor.is_valid():
        with form_errors(editor) as outcome:
            updated = services.target_update(
                target=target,
                by=user,
                data=editor.to_input(),
                expected_version=editor.expected_version,
            )
        if not outcome.failed:
            messages.success(
                request,
                _("目标“%(code)s”已保存（第%(v)s版）。")
                % {"code": updated.code, "v": updated.version},
            )
            return redirect("targets:target_detail", pk=updated.pk)
        status = outcome.status
    # 409: someone saved a newer version meanwhile; the page offers to reload it.
    return _editor_page(request, editor, target=target, conflict=status == 409, status=status)


# --- detail, transitions, thread ----------------------------------------------------------


def _timeline(target):
    return timeline(selectors.target_history(target), about=target)


# Labels of the target's own transitions, for the negotiation thread's comments.
def _transition_word(name: str) -> str:
    return transition_label(Target, name) or name


def _thread_context(target, user, *, form=None, error=None, has_comments=True):
    comments = []
    if has_comments:
        comments = list(target.comments.select_related("author", "author_department"))
    for comment in comments:
        comment.transition_label = _transition_word(comment.transition)
    return {
        "target": target,
        "comments": comments,
        "comment_form": form or CommentForm(),
        "comment_error": error,
        "can_comment": perms.may_comment(target, user),
    }


@login_required
@cached_page
def target_detail(request, pk):
    user = request.user
    target = selectors.target_page(user, pk)
    if target is None:
        raise Http404
    actions = [ACTIONS[name] for name in perms.allowed_transitions(target, user)]
    context = {
        "target": target,
        "actions": actions,
        "can_edit": perms.may_edit_content(target, user) and target.plan_year.is_open_for_drafting,
        "children": list(selectors.target_children(user, target)) if target.has_children else [],
        "parent_visible": target.parent_id is not None
        and selectors.visible_targets(user).filter(pk=target.parent_id).exists(),
        # By number alone: the model's ordering starts with the target, which joined the target,
        # its year and aspect to sort one target's revisions.
        "revisions": list(
            target.revisions.select_related("created_by").defer("snapshot").order_by("number")
        ),
        "timeline": _timeline(target),
        "transition_form": TransitionForm(),
        # Sections of later stages (progress, adjustments, supervision…), see extensions.py.
        "sections": target_sections(request, target),
    }
    context.update(_thread_context(target, user, has_comments=target.has_comments))
    context["return_comment"] = selectors.latest_return_comment(target, context["comments"])
    return render(request, "targets/target_detail.html", context)


def _detail_url(request, pk, **kwargs) -> str:
    return reverse("targets:target_detail", args=[pk])


@login_required
@require_POST
@redirect_on_error(_detail_url)
def target_transition(request, pk, action):
    user = request.user
    if action not in services.TRANSITIONS:
        raise Http404
    target = get_object_or_404(selectors.visible_targets(user), pk=pk)
    kwargs = _transition_kwargs(request, action)
    moved = services.TRANSITIONS[action](target=target, by=user, **kwargs)
    messages.success(
        request,
        _("目标“%(code)s”已%(action)s，当前状态：%(state)s。")
        % {
            "code": moved.code,
            "action": ACTIONS[action].label,
            "state": moved.get_state_display(),
        },
    )
    return redirect("targets:target_detail", pk=target.pk)


@login_required
@require_POST
def target_comment(request, pk):
    """Add to the negotiation thread. With htmx the thread partial comes back in place;
    without JavaScript the form posts and the page reloads."""
    user = request.user
    target = get_object_or_404(selectors.visible_targets(user), pk=pk)
    form = CommentForm(request.POST)
    form.is_valid()
    with form_errors() as outcome:
        services.target_comment_add(target=target, by=user, body=form.cleaned_data.get("body", ""))
    error = outcome.message or None
    if request.htmx:
        context = _thread_context(target, user, form=form if error else None, error=error)
        # 422 marks the failure in logs; base.html tells htmx to swap it in all the same.
        return render(
            request, "targets/partials/thread.html", context, status=422 if error else 200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("意见已发表。"))
    return redirect(reverse("targets:target_detail", args=[target.pk]) + "#thread")


@login_required
def target_revision(request, pk, number):
    user = request.user
    target = get_object_or_404(selectors.visible_targets(user).select_related("plan_year"), pk=pk)
    revision = get_object_or_404(target.revisions.select_related("created_by"), number=number)
    rows = [
        {"label": field_label(Target, name), "value": display_value(Target, name, value)}
        for name, value in revision.snapshot.items()
    ]
    return render(
        request,
        "targets/target_revision.html",
        {"target": target, "revision": revision, "rows": rows},
    )
