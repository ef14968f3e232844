"""Several progress reports at once (issue 19): the office verifies a set "as reported", a head
submits what the department saved. Each is the one-by-one service, called per report inside one
transaction — the same permission, state and content rules (Shanghai Art. 14, 15) — so a batch
is all-or-nothing: if one report cannot move, none does, and the message names it.

The set acted on is exactly the set the confirmation page listed: ``expected_ids`` are the ids
the person confirmed; if any of them is no longer there to act on (someone verified it
meanwhile), nothing moves and the page shows the fresh list."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Department, User
from targets.models import Target
from workflow.errors import ApplicationError, Conflict, NotPermitted, ValidationFailed

from ..models import ProgressReport
from . import progress, quarterly

BATCH_LIMIT = 200


def _check_ids(ids) -> list[int]:
    try:
        ids = sorted({int(i) for i in ids})
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("所选报告无效，请重新选择。")) from exc
    if not ids:
        raise ValidationFailed(_("请至少选择一份报告。"))
    if len(ids) > BATCH_LIMIT:
        raise ValidationFailed(_("一次最多处理%(n)s份报告。") % {"n": BATCH_LIMIT})
    return ids


def _name(report: ProgressReport) -> str:
    return f"{report.target.code} {report.department.name}"


def _each(reports, ids, step):
    """Run ``step`` on each report; the first refusal cancels the batch, naming the report."""
    found = {r.pk for r in reports}
    if found != set(ids):
        raise Conflict(_("所选报告已有变化（可能已被他人处理），请核对刷新后的清单。"))
    done = []
    for report in reports:
        try:
            done.append(step(report))
        except ApplicationError as exc:
            raise type(exc)(
                _("“%(name)s”：%(message)s 本批报告均未处理。")
                % {"name": _name(report), "message": exc.message},
                field_errors=exc.field_errors,
            ) from exc
    return done


@transaction.atomic
def progress_reports_verify_as_reported(*, reports, ids, by: User) -> list[ProgressReport]:
    """批量审核: verify each of ``reports`` with the reported value as the verified value
    (审核值 = 填报值, no reason needed), exactly as ``progress_report_verify`` does one by one
    (node targets set from the value, the early warning recomputed once after commit).
    ``reports``: what the reader's queue holds of the confirmed ``ids``."""
    ids = _check_ids(ids)
    return _each(
        list(reports),
        ids,
        lambda report: progress.progress_report_verify(report=report, by=by),
    )


@transaction.atomic
def reports_submit(*, progress_reports, quarterly_reports, progress_ids, quarterly_ids, by: User):
    """批量报送 (Art. 15): the head sends the listed progress and quarterly reports, each through
    its own submit service (late marking, the red-warning explanation rule, notices)."""
    if not progress_ids and not quarterly_ids:
        raise ValidationFailed(_("请至少选择一份报告。"))
    submitted = []
    if progress_ids:
        submitted += _each(
            list(progress_reports),
            _check_ids(progress_ids),
            lambda report: progress.progress_report_submit(report=report, by=by),
        )
    if quarterly_ids:
        ids = _check_ids(quarterly_ids)
        rows = list(quarterly_reports)
        if {r.pk for r in rows} != set(ids):
            raise Conflict(_("所选报告已有变化（可能已被他人处理），请核对刷新后的清单。"))
        for report in rows:
            try:
                submitted.append(quarterly.quarterly_report_submit(report=report, by=by))
            except ApplicationError as exc:
                raise type(exc)(
                    _("“%(name)s”：%(message)s 本批报告均未处理。")
                    % {"name": str(report), "message": exc.message},
                    field_errors=exc.field_errors,
                ) from exc
    return submitted


# --- the bulk entry grid (issue 19 item 4) ----------------------------------------------------


@dataclass
class GridEntry:
    """One row the department filled in: the target, the report it edits (None: a new one),
    the version it read, what was typed and the files attached."""

    target_id: int
    report_id: int | None
    version: int | None
    data: progress.ReportInput
    files: list = field(default_factory=list)


@dataclass
class GridOutcome:
    entry: GridEntry
    report: ProgressReport | None = None
    error: ApplicationError | None = None


def progress_reports_save_drafts(
    *, by: User, department: Department, period_start, entries: list[GridEntry]
) -> list[GridOutcome]:
    """保存草稿 for every row of the grid in one step: each row through the one-by-one service
    (``progress_report_create`` / ``progress_report_update``: the same rules, files and audit
    trail), each in its own transaction — a row the service refuses keeps its error and blocks
    no other row (Art. 14: every department files its own reports; issue 19)."""
    targets = {
        t.pk: t
        for t in Target.objects.filter(pk__in=[e.target_id for e in entries]).select_related(
            "plan_year", "lead_department"
        )
    }
    reports = {
        r.pk: r
        for r in ProgressReport.objects.filter(
            pk__in=[e.report_id for e in entries if e.report_id], department=department
        ).select_related("target__plan_year", "target__lead_department", "department")
    }
    outcomes = []
    for entry in entries:
        outcome = GridOutcome(entry)
        try:
            with transaction.atomic():
                outcome.report = _save_row(by, department, period_start, entry, targets, reports)
        except ApplicationError as exc:
            outcome.error = exc
        outcomes.append(outcome)
    return outcomes


def _save_row(by, department, period_start, entry, targets, reports) -> ProgressReport:
    target = targets.get(entry.target_id)
    if target is None:
        raise NotPermitted(_("目标不存在或无权填报。"))
    if entry.report_id:
        report = reports.get(entry.report_id)
        if report is None or report.target_id != target.pk:
            raise NotPermitted(_("该进展报告不存在或无权修改。"))
        return progress.progress_report_update(
            report=report,
            by=by,
            data=entry.data,
            files=entry.files,
            expected_version=entry.version,
        )
    return progress.progress_report_create(
        target=target,
        by=by,
        period_start=period_start,
        data=entry.data,
        department=department,
        files=entry.files,
    )
