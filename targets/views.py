"""Pages for target formulation (Shanghai measures Art. 6–12).

Thin views: read through ``targets.selectors``, ask ``targets.permissions`` what to offer, and
change things only through ``targets.services``. Objects the user may not read are 404; forbidden actions are 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import access_for
from accounts.errors import ApplicationError, Conflict, NotPermitted, ValidationFailed
from accounts.ids import parse_ids
from accounts.models import Department

from . import permissions as perms
from . import selectors, services
from .extensions import (
    annotate_target_columns,
    target_columns,
    target_filters,
    target_list_actions,
    target_sections,
    timeline_field_label,
    timeline_state_label,
    timeline_transition_label,
)
from .forms import CommentForm, TargetEditor, TargetFilterForm, TransitionForm
from .models import PlanYear, Target, TargetDepartment

PAGE_SIZE = 50


class Action:
    """A transition as the pages offer it: the service's name, the model method that carries
    the state rule and permission, and what the form must ask for."""

    def __init__(self, name, label, *, needs_comment=False, needs_reference=False):
        self.name = name
        self.method = perms.TRANSITION_METHODS[name]
        self.label = label
        self.needs_comment = needs_comment
        self.needs_reference = needs_reference

    def allowed(self, target, user) -> bool:
        return perms.may_transition(target, user, self.name)


ACTIONS = {
    a.name: a
    for a in [
        Action("submit", gettext_lazy("报送")),
        Action("return", gettext_lazy("退回修改"), needs_comment=True),
        Action("negotiate", gettext_lazy("协商一致")),
        Action("confirm", gettext_lazy("确认"), needs_reference=True),
        Action("start_execution", gettext_lazy("下达任务书")),
    ]
}
# Returning needs a reason written for each target, so it is offered one target at a time.
BULK_ACTION_NAMES = ("submit", "negotiate", "confirm", "start_execution")


def _forbidden(request, message):
    return render(request, "targets/forbidden.html", {"message": message}, status=403)


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


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- list and review queue ----------------------------------------------------------------


def _table_context(request, qs, *, user):
    # Columns of later stages (the early-warning level…), see extensions.py.
    qs = annotate_target_columns(qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    offered = [ACTIONS[name] for name in BULK_ACTION_NAMES]
    rows = []
    for target in page.object_list:
        # has_transition_perm reads the cached access of the user: no query per row.
        allowed = [a.name for a in offered if a.allowed(target, user)]
        rows.append((target, allowed))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page_obj": page,
        "rows": rows,
        # Only actions the user may take on at least one row of this page are offered.
        "bulk_actions": [a for a in offered if any(a.name in allowed for _t, allowed in rows)],
        "selectable": any(allowed for _target, allowed in rows),
        "querystring": query.urlencode(),
        "extra_columns": target_columns(),
    }


def _plan_year_from(request, years):
    wanted = request.GET.get("year")
    if wanted and wanted.isdigit():
        for year in years:
            if year.year == int(wanted):
                return year
        raise Http404(_("没有该年度。"))
    return selectors.current_plan_year()


@login_required
def target_list(request):
    user = request.user
    years = list(PlanYear.objects.all())
    plan_year = _plan_year_from(request, years)
    aspects = list(plan_year.aspects.all()) if plan_year else []
    departments = list(Department.objects.filter(is_active=True).order_by("sort_order", "id"))
    initial = request.GET.copy()
    if plan_year is not None:
        initial.setdefault("year", str(plan_year.year))
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
        is_office=access_for(user).is_general_office,
    )
    return render(request, "targets/target_list.html", context)


@login_required
def review_queue(request):
    """The general office's queue: submitted targets to negotiate and negotiated ones awaiting
    the city government's confirmation (Art. 10–11)."""
    user = request.user
    if not access_for(user).is_general_office:
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
    if not access_for(user).is_general_office:
        return _forbidden(request, _("全年度确认和下达任务书由市政府办公厅（目标办）办理。"))
    form = TransitionForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST":
        expected = parse_ids(request.POST.getlist("ids"))
        if expected is None:
            raise Http404
        kwargs = _transition_kwargs(request, action)
        try:
            done = services.plan_year_transition_all(
                plan_year=plan_year, by=user, action=action, expected_ids=expected, **kwargs
            )
        except NotPermitted as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            error, status = exc.message, exc.status_code
        else:
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
    back = _safe_next(request, reverse("targets:target_list"))
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
    try:
        done = services.targets_transition_many(targets=targets, by=user, action=action, **kwargs)
    except ApplicationError as exc:
        messages.error(request, _("未执行任何操作：%(reason)s") % {"reason": exc.message})
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
    if not _may_draft(user, level):
        if level == Target.Level.CITY:
            return _forbidden(request, _("市政府总体目标由市政府办公厅拟定。"))
        return _forbidden(request, _("只有部门填报员和部门主要负责人可以拟定本部门目标。"))
    plan_year = selectors.current_plan_year()
    if plan_year is None or not plan_year.is_open_for_drafting:
        return _forbidden(request, _("当前没有开放编制的年度，不能新建目标。"))
    editor = TargetEditor(user=user, plan_year=plan_year, level=level, data=request.POST or None)
    if request.method == "POST" and editor.is_valid():
        try:
            target = services.target_create(by=user, plan_year=plan_year, data=editor.to_input())
        except NotPermitted as exc:
            editor.non_field_errors.append(exc.message)
        except ValidationFailed as exc:
            editor.non_field_errors.append(exc.message)
            editor.add_service_errors(exc.field_errors)
        else:
            messages.success(request, _("目标“%(code)s”已保存为草稿。") % {"code": target.code})
            return redirect("targets:target_detail", pk=target.pk)
    status = 400 if request.method == "POST" else 200
    return _editor_page(request, editor, status=status)


@login_required
def target_edit(request, pk):
    user = request.user
    target = get_object_or_404(selectors.target_detail_queryset(user), pk=pk)
    if target.is_content_locked:
        return render(
            request,
            "targets/target_locked.html",
            {"target": target},
            status=403,
        )
    if not perms.may_edit_content(target, user):
        return _forbidden(request, _("您无权修改该目标。"))
    editor = TargetEditor(
        user=user,
        plan_year=target.plan_year,
        level=target.level,
        target=target,
        data=request.POST or None,
    )
    conflict = False
    if request.method == "POST" and editor.is_valid():
        try:
            updated = services.target_update(
                target=target,
                by=user,
                data=editor.to_input(),
                expected_version=editor.expected_version,
            )
        except Conflict as exc:
            conflict = True
            editor.non_field_errors.append(exc.message)
        except (NotPermitted, ValidationFailed) as exc:
            editor.non_field_errors.append(exc.message)
            editor.add_service_errors(exc.field_errors)
        else:
            messages.success(
                request,
                _("目标“%(code)s”已保存（第%(v)s版）。")
                % {"code": updated.code, "v": updated.version},
            )
            return redirect("targets:target_detail", pk=updated.pk)
    status = 200
    if request.method == "POST":
        status = 409 if conflict else 400
    return _editor_page(request, editor, target=target, conflict=conflict, status=status)


# --- detail, transitions, thread ----------------------------------------------------------


def _field_label(name, model=Target):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return timeline_field_label(name)
    if field.auto_created and not field.concrete:
        return field.related_model._meta.verbose_name_plural
    return field.verbose_name


def _display(name, value, model=Target) -> list[str]:
    """A snapshot or audit value as a person reads it, as lines: choice labels, 是/否, one line
    per department or milestone row."""
    shown = _display_one(name, value, model)
    return shown if isinstance(shown, list) else [shown]


def _display_one(name, value, model=Target):
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if name == "departments" and isinstance(value, list):
        roles = dict(TargetDepartment.Role.choices)
        return [
            "".join(
                [
                    _("%(department)s（%(role)s）")
                    % {
                        "department": row.get("department"),
                        "role": roles.get(row.get("role"), row.get("role")),
                    },
                    _("：%(task)s") % {"task": row["task"]} if row.get("task") else "",
                    _("；完成标准：%(a)s") % {"a": row["acceptance"]}
                    if row.get("acceptance")
                    else "",
                ]
            )
            for row in value
        ]
    if name == "milestones" and isinstance(value, list):
        lines = []
        for row in value:
            line = f"Q{row.get('quarter')} {row.get('description', '')}"
            if row.get("due_date"):
                line += _("（完成时限 %(d)s）") % {"d": row["due_date"]}
            if row.get("expected_value") is not None:
                line += _("（预期值 %(v)s）") % {"v": row["expected_value"]}
            lines.append(line)
        return lines
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    return str(value)


def _state_label(value):
    return str(dict(Target.State.choices).get(value, value)) if value else ""


def _timeline(target):
    items = []
    target_type = ContentType.objects.get_for_model(Target)
    for event in selectors.target_history(target):
        # An event of a record in the target's scope (a progress report, an adjustment…) is
        # read with that record's field names, states and transition names.
        model = ContentType.objects.get_for_id(event.content_type_id).model_class() or Target
        try:
            states = dict(model._meta.get_field("state").choices or Target.State.choices)
        except FieldDoesNotExist:
            states = dict(Target.State.choices)
        transitions = {**ACTIONS_BY_METHOD, **getattr(model, "TRANSITION_LABELS", {})}
        changes = [
            {
                "label": _field_label(name, model),
                "before": _display(name, pair[0], model) if isinstance(pair, list) else ["—"],
                "after": _display(name, pair[1], model)
                if isinstance(pair, list)
                else _display(name, pair, model),
            }
            for name, pair in (event.changes or {}).items()
        ]
        items.append(
            {
                "event": event,
                "changes": changes,
                "from_state": states.get(event.from_state)
                or timeline_state_label(event.from_state),
                "to_state": states.get(event.to_state) or timeline_state_label(event.to_state),
                "transition_label": transitions.get(event.transition)
                or timeline_transition_label(event.transition),
                # An event of a related record (a report, an adjustment…) names that record.
                "about": ""
                if event.content_type_id == target_type.pk and event.object_id == str(target.pk)
                else event.object_repr,
            }
        )
    return items


ACTIONS_BY_METHOD = {
    **{a.method: a.label for a in ACTIONS.values()},
    # Transitions made by the execution stage's reviews (Art. 12, 14).
    "complete": gettext_lazy("办结"),
    "cancel": gettext_lazy("撤销"),
    # Transitions later stages perform through their own services (not offered here).
    "evaluate": gettext_lazy("考评结果发布"),
}
# For later stages' sections and documents that show snapshot values, diffs and the timeline
# the way this page does.
field_label = _field_label
display_value = _display
target_timeline = _timeline


def _thread_context(target, user, *, form=None, error=None):
    comments = list(target.comments.select_related("author", "author_department"))
    for comment in comments:
        comment.transition_label = ACTIONS_BY_METHOD.get(comment.transition, comment.transition)
    return {
        "target": target,
        "comments": comments,
        "comment_form": form or CommentForm(),
        "comment_error": error,
        "can_comment": perms.may_comment(target, user),
    }


@login_required
def target_detail(request, pk):
    user = request.user
    target = get_object_or_404(selectors.target_detail_queryset(user), pk=pk)
    actions = [a for a in ACTIONS.values() if a.allowed(target, user)]
    context = {
        "target": target,
        "actions": actions,
        "can_edit": perms.may_edit_content(target, user) and target.plan_year.is_open_for_drafting,
        "children": list(selectors.target_children(user, target)),
        "parent_visible": target.parent_id is not None
        and selectors.visible_targets(user).filter(pk=target.parent_id).exists(),
        "revisions": list(target.revisions.select_related("created_by").defer("snapshot")),
        "timeline": _timeline(target),
        "transition_form": TransitionForm(),
        # Sections of later stages (progress, adjustments, supervision…), see extensions.py.
        "sections": target_sections(request, target),
    }
    context.update(_thread_context(target, user))
    context["return_comment"] = selectors.latest_return_comment(target, context["comments"])
    return render(request, "targets/target_detail.html", context)


@login_required
@require_POST
def target_transition(request, pk, action):
    user = request.user
    if action not in services.TRANSITIONS:
        raise Http404
    target = get_object_or_404(selectors.visible_targets(user), pk=pk)
    kwargs = _transition_kwargs(request, action)
    try:
        moved = services.TRANSITIONS[action](target=target, by=user, **kwargs)
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
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
    error = None
    try:
        services.target_comment_add(target=target, by=user, body=form.cleaned_data.get("body", ""))
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except ValidationFailed as exc:
        error = exc.message
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
        {"label": _field_label(name), "value": _display(name, value)}
        for name, value in revision.snapshot.items()
    ]
    return render(
        request,
        "targets/target_revision.html",
        {"target": target, "revision": revision, "rows": rows},
    )
