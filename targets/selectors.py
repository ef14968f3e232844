"""Reads: querysets already joined, filtered to what the user may see."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects

from accounts.access import access_for
from accounts.models import User
from audit.models import AuditEvent

from .extensions import rows_exist, section_probes
from .models import PlanYear, Target, TargetComment, TargetDepartment
from .permissions import EDITABLE_STATES
from .services import CONTENT_FIELDS, YEAR_ACTIONS, plain_value

# A confirmed city target stays readable to everyone for the rest of its life.
CITY_PUBLISHED_STATES = [
    Target.State.CONFIRMED,
    Target.State.EXECUTING,
    Target.State.COMPLETED,
    Target.State.EVALUATED,
    Target.State.CANCELLED,
]


def visible_targets(user) -> QuerySet[Target]:
    """Targets the user may read. Everything else is answered with 404, never with another
    department's data.

    - general office, supervision office, auditors, administrators: all targets;
    - department staff and heads: their department's targets (lead), and targets in which their
      department is responsible or cooperating once they have left the draft;
    - the mayor and the executive vice-mayor (``Access.city_wide``): all targets;
    - vice-mayors: what the departments in their portfolio see (Art. 15, 17) — their own
      targets in every state, the targets they take part in once submitted — and the targets
      the vice-mayor leads;
    - everyone signed in: the confirmed city targets.
    """
    access = access_for(user)
    qs = Target.objects.all()
    # The mayor and the executive vice-mayor: the whole city is their portfolio (Art. 17).
    if access.reads_everything or access.city_wide:
        return qs
    if access.user_id is None:
        return qs.none()
    visible = Q(level=Target.Level.CITY, state__in=CITY_PUBLISHED_STATES)
    if access.member_departments:
        visible |= _led_or_taking_part(access.member_departments)
    if access.portfolio:
        # The same rule as for the departments themselves (issue 11): a vice-mayor follows the
        # portfolio departments' own targets in every state, and a target another department
        # leads only once it has left the draft — its drafts, returned versions, thread and
        # history belong to the lead department and the general office until it is submitted.
        visible |= _led_or_taking_part(access.portfolio)
    if access.is_leader:
        visible |= Q(lead_leader_id=access.user_id)
    return qs.filter(visible)


def _led_or_taking_part(departments) -> Q:
    """Targets led by one of ``departments`` (any state), and targets in which one of them is a
    responsible or cooperating department once they have left the draft (Art. 7, 16): the lead
    department drafts alone, and the others see what was submitted."""
    takes_part = Exists(
        TargetDepartment.objects.filter(target=OuterRef("pk"), department_id__in=departments)
    )
    return Q(lead_department_id__in=departments) | (takes_part & ~Q(state__in=EDITABLE_STATES))


def visible_targets_by_ids(user, ids) -> tuple[list[Target], list[int]]:
    """The targets among ``ids`` the user may read, and the ids that are not (absent or
    hidden — callers answer both alike, as 404)."""
    ids = list(dict.fromkeys(ids))
    targets = list(visible_targets(user).filter(pk__in=ids))
    found = {t.pk for t in targets}
    return targets, [i for i in ids if i not in found]


def target_list(user, *, plan_year: PlanYear | None = None) -> QuerySet[Target]:
    qs = visible_targets(user).select_related("plan_year", "aspect", "lead_department", "parent")
    if plan_year is not None:
        qs = qs.filter(plan_year=plan_year)
    return qs.order_by("aspect__number", "code")


def year_transition_targets(user, *, plan_year: PlanYear, action: str) -> QuerySet[Target]:
    """The targets a year-wide step (``services.YEAR_ACTIONS``) would move now, as the
    confirmation page lists them before anyone clicks (issue 11)."""
    return target_list(user, plan_year=plan_year).filter(state=YEAR_ACTIONS[action])


def target_detail_queryset(user) -> QuerySet[Target]:
    return (
        visible_targets(user)
        .select_related(
            "plan_year",
            "aspect",
            "lead_department",
            "parent",
            "lead_leader",
            "assisting_secretary",
            "created_by",
        )
        .prefetch_related(
            "milestones",
            "departments__department",
            "cooperating_leaders",
        )
    )


# The target page's lists most targets have none of (department targets seldom have cooperating
# departments or leaders): ``{relation: (lookup, the rows' model)}``.
_SOMETIMES_EMPTY = {
    "departments": ("departments__department", TargetDepartment),
    "cooperating_leaders": ("cooperating_leaders", User),
}


def target_page(user, pk) -> Target | None:
    """The target as its page shows it, or None (absent or hidden alike). Whether it has
    children, comments, cooperating departments and leaders and each later stage's records at
    all comes as ``has_<name>`` / probe columns of its own query (``extensions.section_probes``),
    so what it has none of costs no query (issue 20): an empty relation is given a ``none()``
    prefetch, which Django answers without asking the database."""
    target = (
        target_detail_queryset(user)
        .prefetch_related(None)
        .annotate(
            has_children=rows_exist(Target, "parent"),
            has_comments=rows_exist(TargetComment, "target"),
            has_departments=rows_exist(TargetDepartment, "target"),
            has_cooperating_leaders=rows_exist(Target.cooperating_leaders.through, "target"),
            **section_probes(),
        )
        .filter(pk=pk)
        .order_by()
        .first()
    )
    if target is None:
        return None
    prefetch_related_objects(
        [target],
        "milestones",
        *(
            lookup
            if getattr(target, f"has_{name}")
            else Prefetch(name, queryset=model.objects.none())
            for name, (lookup, model) in _SOMETIMES_EMPTY.items()
        ),
    )
    return target


def target_history(target: Target) -> QuerySet[AuditEvent]:
    """The target's audit trail, oldest first, with each actor joined: the timeline shows the
    actor of every event, so one query serves a history of any length (issue 11). Events of
    records in the target's scope (reports, adjustments, orders…) belong to it too."""
    return AuditEvent.objects.for_timeline(target).select_related("actor")


def latest_return_comment(target: Target, thread) -> TargetComment | None:
    """Why a returned target was sent back: the comment of its latest return, from the thread
    already loaded (oldest first). None unless the target is returned now (issue 11: the
    department reads the reasons at the top of the page, Art. 9 协商)."""
    if target.state != Target.State.RETURNED:
        return None
    returns = [c for c in thread if c.transition == "return_to_department"]
    return returns[-1] if returns else None


def target_children(user, target: Target) -> QuerySet[Target]:
    return visible_targets(user).filter(parent=target).select_related("lead_department")


def current_plan_year(years: list[PlanYear] | None = None) -> PlanYear | None:
    """The year being drafted if there is one, else the latest year in execution, else the newest
    (of ``years`` when the caller has read them already)."""
    years = list(PlanYear.objects.all()) if years is None else years
    for status in (PlanYear.Status.DRAFTING, PlanYear.Status.EXECUTING):
        for year in years:
            if year.status == status:
                return year
    return years[0] if years else None


def landing_plan_year(user, years: list[PlanYear] | None = None) -> PlanYear | None:
    """The year a page opens on when none is asked for. Those who draft — departments and the
    general office — land on the year being drafted (``current_plan_year``); auditors, the
    supervision office and leaders draft nothing and follow the year being carried out, so
    they land on the newest executing year (issue 19 item 6)."""
    access = access_for(user)
    years = list(PlanYear.objects.all()) if years is None else years
    if access.member_departments or access.is_general_office:
        return current_plan_year(years)
    executing = [y for y in years if y.status == PlanYear.Status.EXECUTING]
    if executing:
        return max(executing, key=lambda y: y.year)
    return current_plan_year(years)


def target_editable_values(target: Target) -> dict:
    """A target's current content as an editor writes it (related objects by id, values as
    written): what the edit form starts from and what an API PATCH leaves unchanged."""
    values = {name: plain_value(getattr(target, name)) for name in CONTENT_FIELDS}
    values.update(
        aspect=target.aspect_id,
        parent=target.parent_id,
        lead_department=target.lead_department_id,
        lead_leader=target.lead_leader_id,
        assisting_secretary=target.assisting_secretary_id,
        cooperating_leaders=[u.pk for u in target.cooperating_leaders.all()],
        milestones=[
            {
                "quarter": m.quarter,
                "description": m.description,
                "due_date": m.due_date,
                "expected_value": plain_value(m.expected_value),
            }
            for m in target.milestones.all()
        ],
        departments=[
            {
                "department": d.department_id,
                "role": d.role,
                "task": d.task,
                "acceptance": d.acceptance,
            }
            for d in target.departments.all()
        ],
    )
    return values
