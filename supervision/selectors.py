"""Reads: querysets already joined and filtered to the reader (objects one may not read are
404, never another department's data).

- general office, supervision office, auditors, administrators: everything;
- department staff and heads: orders addressed to their department, findings it is responsible
  for, inspections and external inputs that name it, its accountability records;
- vice-mayors: the same for every department in their portfolio (Art. 15, 17).

Overdue is computed here, never stored: an order still awaiting replies, or a finding still
awaiting its rectification, after the deadline (002 三.4, 五.6).
"""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from accounts.access import access_for
from targets.models import Target

from .deadlines import today
from .models import (
    AccountabilityRecord,
    ExternalInput,
    Finding,
    Inspection,
    OrderAddressee,
    OrderReply,
    Rectification,
    SupervisionOrder,
)


def _reader_departments(user) -> frozenset[int] | None:
    """None for those who read everything; otherwise the departments whose records they read."""
    access = access_for(user)
    if access.reads_everything:
        return None
    return access.member_departments | access.portfolio


def _overdue(states):
    return Case(
        When(Q(state__in=states, deadline__lt=today()), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


# --- orders -------------------------------------------------------------------------------


def visible_orders(user) -> QuerySet[SupervisionOrder]:
    qs = SupervisionOrder.objects.all()
    depts = _reader_departments(user)
    if depts is None:
        return qs
    if not depts:
        return qs.none()
    return qs.filter(
        Exists(OrderAddressee.objects.filter(order=OuterRef("pk"), department_id__in=depts))
    )


def _addressees():
    return Prefetch(
        "addressees", queryset=OrderAddressee.objects.select_related("department").order_by("id")
    )


def order_list(user, *, plan_year=None) -> QuerySet[SupervisionOrder]:
    qs = (
        visible_orders(user)
        .select_related("plan_year", "issuing_department")
        .prefetch_related(
            _addressees(),
            Prefetch("targets", queryset=Target.objects.only("id", "code", "title", "state")),
        )
        .annotate(is_overdue=_overdue(SupervisionOrder.AWAITING_REPLY))
    )
    if plan_year is not None:
        qs = qs.filter(plan_year=plan_year)
    return qs.order_by("-issued_on", "-id")


def order_detail_queryset(user) -> QuerySet[SupervisionOrder]:
    return (
        visible_orders(user)
        .select_related("plan_year", "issuing_department", "issued_by")
        .prefetch_related(
            _addressees(),
            "targets__lead_department",
            "coordination_items",
            Prefetch(
                "replies",
                queryset=OrderReply.objects.select_related("department", "replied_by"),
            ),
            Prefetch("findings", queryset=Finding.objects.select_related("responsible_department")),
        )
        .annotate(is_overdue=_overdue(SupervisionOrder.AWAITING_REPLY))
    )


def _awaiting_answer(depts) -> Q:
    waiting = OrderAddressee.objects.filter(
        order=OuterRef("pk"), department_id__in=depts, answered=False
    )
    return Q(state__in=SupervisionOrder.AWAITING_REPLY) & Q(Exists(waiting))


def orders_to_answer(user) -> QuerySet[SupervisionOrder]:
    """督办单待答复: orders addressed to one of the user's departments that have not yet answered
    this round (the supervision home calls this)."""
    depts = access_for(user).member_departments
    if not depts:
        return SupervisionOrder.objects.none()
    return order_list(user).filter(_awaiting_answer(depts)).order_by("deadline", "id")


def orders_owed(depts) -> QuerySet[SupervisionOrder]:
    """``orders_to_answer`` of the departments ``depts``, bare: the department home shows their
    ``str`` only, without the list's joins, prefetches and reader filter (an order waiting for
    one of one's departments is always one the reader sees)."""
    return SupervisionOrder.objects.filter(_awaiting_answer(depts)).order_by("deadline", "id")


# --- findings -----------------------------------------------------------------------------


def visible_findings(user) -> QuerySet[Finding]:
    qs = Finding.objects.all()
    depts = _reader_departments(user)
    if depts is None:
        return qs
    return qs.filter(responsible_department_id__in=depts)


def finding_list(user, *, plan_year=None) -> QuerySet[Finding]:
    qs = (
        visible_findings(user)
        .select_related("plan_year", "responsible_department")
        .annotate(is_overdue=_overdue(Finding.AWAITING_DEPARTMENT))
    )
    if plan_year is not None:
        qs = qs.filter(plan_year=plan_year)
    return qs.order_by("-created_at", "-id")


def finding_detail_queryset(user) -> QuerySet[Finding]:
    return (
        visible_findings(user)
        .select_related(
            "plan_year",
            "responsible_department",
            "recorded_by",
            "inspection",
            "order",
            "external_input",
        )
        .prefetch_related(
            "targets__lead_department",
            Prefetch(
                "rectifications",
                queryset=Rectification.objects.select_related("department", "filed_by"),
            ),
        )
        .annotate(is_overdue=_overdue(Finding.AWAITING_DEPARTMENT))
    )


def problems_to_rectify(user) -> QuerySet[Finding]:
    """待整改问题: findings of the user's departments still awaiting their plan or report."""
    depts = access_for(user).member_departments
    if not depts:
        return Finding.objects.none()
    return finding_list(user).filter(_to_rectify(depts)).order_by("deadline", "id")


def _to_rectify(depts) -> Q:
    return Q(responsible_department_id__in=depts, state__in=Finding.AWAITING_DEPARTMENT)


def findings_owed(depts) -> QuerySet[Finding]:
    """``problems_to_rectify`` of the departments ``depts``, bare (the department home's)."""
    return Finding.objects.filter(_to_rectify(depts)).order_by("deadline", "id")


# --- inspections, external inputs, accountability -----------------------------------------


def visible_inspections(user) -> QuerySet[Inspection]:
    qs = Inspection.objects.all()
    depts = _reader_departments(user)
    if depts is None:
        return qs
    return qs.filter(
        Exists(
            Inspection.departments.through.objects.filter(
                inspection_id=OuterRef("pk"), department_id__in=depts
            )
        )
    )


def inspection_list(user, *, plan_year=None) -> QuerySet[Inspection]:
    qs = (
        visible_inspections(user)
        .select_related("plan_year")
        .prefetch_related("departments")
        .annotate(finding_count=Count("findings"))
    )
    if plan_year is not None:
        qs = qs.filter(plan_year=plan_year)
    return qs.order_by("-started_on", "-id")


def inspection_detail_queryset(user) -> QuerySet[Inspection]:
    return (
        visible_inspections(user)
        .select_related("plan_year", "created_by")
        .prefetch_related("departments", "targets__lead_department")
        # The detail shows the count too (it was always null there, issue 17 item 6).
        .annotate(finding_count=Count("findings"))
    )


def inspection_findings(user, inspection) -> QuerySet[Finding]:
    return finding_list(user).filter(inspection=inspection)


def visible_inputs(user) -> QuerySet[ExternalInput]:
    qs = ExternalInput.objects.all()
    depts = _reader_departments(user)
    if depts is None:
        return qs
    return qs.filter(
        Exists(
            ExternalInput.departments.through.objects.filter(
                externalinput_id=OuterRef("pk"), department_id__in=depts
            )
        )
    )


def input_list(user, *, plan_year=None) -> QuerySet[ExternalInput]:
    qs = (
        visible_inputs(user)
        .select_related("plan_year")
        .prefetch_related(
            "departments",
            Prefetch("targets", queryset=Target.objects.only("id", "code", "title", "state")),
        )
    )
    if plan_year is not None:
        qs = qs.filter(plan_year=plan_year)
    return qs.order_by("-received_on", "-id")


def input_detail_queryset(user) -> QuerySet[ExternalInput]:
    return (
        visible_inputs(user)
        .select_related("plan_year", "recorded_by")
        .prefetch_related("departments", "targets__lead_department")
    )


def visible_accountability(user) -> QuerySet[AccountabilityRecord]:
    qs = AccountabilityRecord.objects.all()
    depts = _reader_departments(user)
    if depts is None:
        return qs
    return qs.filter(department_id__in=depts)


def accountability_list(user, *, plan_year=None) -> QuerySet[AccountabilityRecord]:
    qs = visible_accountability(user).select_related("plan_year", "department", "created_by")
    if plan_year is not None:
        qs = qs.filter(plan_year=plan_year)
    return qs.order_by("-occurred_on", "-id")


# --- on a target's page -------------------------------------------------------------------


def target_supervision(user, target, *, absent=frozenset()) -> dict:
    """Orders, findings and external inputs about ``target`` that the user may read.
    ``absent``: the kinds (``"orders"``, ``"findings"``, ``"inputs"``) the caller knows the target
    has none of, left unread (the target page's probes, issue 20)."""
    lists = {"orders": order_list, "findings": finding_list, "inputs": input_list}
    return {
        kind: [] if kind in absent else list(read(user).filter(targets=target))
        for kind, read in lists.items()
    }
