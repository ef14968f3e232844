"""The progress reports' API list written from plain values (issue 20): the same JSON as
``ProgressReportSerializer(many=True)``, without a model instance (with its state machine) and
DRF's field-by-field machinery per report — most of the list's cost. The serializer stays the
schema, the detail's writer and the reference the tests compare these rows with
(``tests/execution/test_progress_list.py``)."""

import functools

from django.db.models import DEFERRED

from workflow.api_speed import representer

from ..models import ProgressReport, ReportEvidence
from ..permissions import progress as perms

# The report's own columns, then the two names the list shows.
COLUMNS = (
    "id",
    "target_id",
    "target__code",
    "department_id",
    "department__name",
    "kind",
    "period_start",
    "period_end",
    "due_date",
    "state",
    "actual_value",
    "percent_complete",
    "narrative",
    "problems",
    "next_steps",
    "verified_value",
    "verified_percent",
    "verification_reason",
    "verification_comment",
    "return_comment",
    "is_late",
    "version",
    "created_by_id",
    "created_at",
    "submitted_by_id",
    "submitted_at",
    "verified_by_id",
    "verified_at",
)
# Columns written by the serializer's own field (dates, times, decimals); the rest as read.
CONVERTED = (
    "period_start",
    "period_end",
    "due_date",
    "actual_value",
    "percent_complete",
    "verified_value",
    "verified_percent",
    "created_at",
    "submitted_at",
    "verified_at",
)


@functools.cache
def _fields():
    # Built once: a ModelSerializer builds its fields anew for each instance.
    from .progress import EvidenceSerializer, ProgressReportSerializer

    fields = ProgressReportSerializer().fields
    return {name: fields[name] for name in CONVERTED}, EvidenceSerializer().fields["uploaded_at"]


@functools.cache
def _layout():
    names = [f.attname for f in ProgressReport._meta.concrete_fields]
    return names, {name: i for i, name in enumerate(names)}


def _actions(user):
    """``allowed_actions`` per (state, department): the rules in ``permissions.progress`` read
    only the cached access and these two columns of the report, so a page asks them once per
    distinct pair, of a report built from the pair alone."""

    @functools.cache
    def actions(state, department_id):
        # The report as a row read with these columns only (``from_db``): a page's reports are
        # mostly of different departments, and a new instance set every field's default
        # first; a rule that read any other column would fail, not answer from a default.
        names, where = _layout()
        values = [DEFERRED] * len(names)
        values[where["id"]] = None
        values[where["state"]] = state
        values[where["department_id"]] = department_id
        return perms.report_actions(ProgressReport.from_db(None, names, values), user)

    return actions


def report_rows(rows, user) -> list[dict]:
    """The list's JSON for ``rows`` (dicts of ``COLUMNS``, in the page's order)."""
    rows = list(rows)
    fields, uploaded_field = _fields()
    # Per request: a time is written in the request's time zone.
    converters = [(name, representer(field)) for name, field in fields.items()]
    uploaded_at = representer(uploaded_field)
    evidence: dict[int, list[dict]] = {}
    if rows:
        for e in (
            ReportEvidence.objects.filter(report_id__in=[r["id"] for r in rows])
            .order_by("id")
            .values("report_id", "id", "display_name", "size", "uploaded_at")
        ):
            evidence.setdefault(e["report_id"], []).append(
                {
                    "id": e["id"],
                    "display_name": e["display_name"],
                    "size": e["size"],
                    "uploaded_at": uploaded_at(e["uploaded_at"]),
                }
            )
    kinds = {k: str(v) for k, v in ProgressReport.Kind.choices}
    states = {k: str(v) for k, v in ProgressReport.State.choices}
    actions = _actions(user)
    out = []
    for r in rows:
        for name, convert in converters:
            if r[name] is not None:
                r[name] = convert(r[name])
        out.append(
            {
                "id": r["id"],
                "target": r["target_id"],
                "target_code": r["target__code"],
                "department": r["department_id"],
                "department_name": r["department__name"],
                "kind": r["kind"],
                "kind_display": kinds.get(r["kind"], r["kind"]),
                "period_start": r["period_start"],
                "period_end": r["period_end"],
                "due_date": r["due_date"],
                "state": r["state"],
                "state_display": states.get(r["state"], r["state"]),
                "actual_value": r["actual_value"],
                "percent_complete": r["percent_complete"],
                "narrative": r["narrative"],
                "problems": r["problems"],
                "next_steps": r["next_steps"],
                "verified_value": r["verified_value"],
                "verified_percent": r["verified_percent"],
                "verification_reason": r["verification_reason"],
                "verification_comment": r["verification_comment"],
                "return_comment": r["return_comment"],
                "is_late": r["is_late"],
                "version": r["version"],
                "created_by": r["created_by_id"],
                "created_at": r["created_at"],
                "submitted_by": r["submitted_by_id"],
                "submitted_at": r["submitted_at"],
                "verified_by": r["verified_by_id"],
                "verified_at": r["verified_at"],
                "evidence": evidence.get(r["id"], []),
                "allowed_actions": actions(r["state"], r["department_id"]),
            }
        )
    return out
