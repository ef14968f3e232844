"""Writes for documents: requesting a document, uploading and confirming an import, running a
job (called by the Celery task only), expiring old files, and the one "document ready" notice.

Every request is checked here (who may have which document) and again on download
(``download_allowed``): a document leaves the system only for someone who may still read all
of it.
"""

import datetime
import logging
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Department
from audit.models import AuditEvent
from audit.services import audit_record
from execution import periods
from execution.selectors.progress import visible_reports
from notifications.services import notify
from targets import selectors as target_selectors
from targets import services as target_services
from targets.models import PlanYear
from workflow.errors import NotFoundForUser, NotPermitted, ValidationFailed
from workflow.transitions import lock_for_step, transition_apply

from . import briefing, excel, pdf, permissions, selectors
from .models import DocumentJob

logger = logging.getLogger(__name__)
# The notification kind of the "document ready" notice (issue 8 item 5: an in-app notice).
DOCUMENT_READY = "document_ready"
Kind = DocumentJob.Kind
State = DocumentJob.State
PDF_KINDS = (
    Kind.TARGET_DOSSIER,
    Kind.DEPARTMENT_DOSSIER,
    Kind.YEAR_LEDGER,
    Kind.EVALUATION_RESULTS,
    Kind.EVALUATION_RESULT_SHEET,
    Kind.QUARTERLY_REPORT,
    Kind.QUARTERLY_SUMMARY,
    Kind.LEADER_BRIEFING,
)


def ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.DOCUMENTS_TTL_HOURS)


def _queue(job: DocumentJob) -> None:
    """The outbox (issue 18 item 2): the job row is the record of the request, written in the
    request's transaction; its message goes to the broker after commit. If the broker is down
    the request still succeeds (the page says 已登记，服务恢复后生成) and ``jobs_resend`` sends it
    once the broker is back."""
    transaction.on_commit(lambda: job_send(job_id=job.pk))


def job_send(*, job_id: int) -> bool:
    """Hand the job's message to the broker. True if it took it; False (logged, nothing raised)
    if it is unreachable: ``sent_at`` stays empty and the periodic re-send tries again."""
    from .tasks import run_document_job

    queued = DocumentJob.objects.filter(pk=job_id, state=State.QUEUED)
    queued.update(sent_at=timezone.now())
    try:
        run_document_job.delay(job_id)
    except Exception:
        logger.warning(
            "could not queue document job %s; it is re-sent later", job_id, exc_info=True
        )
        queued.update(sent_at=None)
        return False
    return True


def jobs_resend(*, now=None, limit: int = 500) -> int:
    """The outbox flush (periodic, documents migration 0006): send again every job still queued
    DOCUMENTS_RESEND_AFTER_MINUTES after its last send (never taken by the broker, or its message
    lost with a restarted Redis). Each job is claimed by one UPDATE, so two runs at once send it
    once; a message that reaches a job another message already started does nothing
    (``_claim``), so a job is generated once however many messages it has. Stops at the first
    refusal of the broker. Returns the number sent."""
    now = now or timezone.now()
    before = now - datetime.timedelta(minutes=settings.DOCUMENTS_RESEND_AFTER_MINUTES)
    due = Q(sent_at__isnull=True, created_at__lt=before) | Q(sent_at__lt=before)
    ids = list(
        DocumentJob.objects.filter(due, state=State.QUEUED)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for job_id in ids:
        claimed = DocumentJob.objects.filter(due, pk=job_id, state=State.QUEUED).update(
            sent_at=timezone.now()
        )
        if not claimed:  # started meanwhile, or re-sent by another run
            continue
        if not job_send(job_id=job_id):
            break
        sent += 1
    return sent


def _check_request(by, kind: str, params: dict) -> dict:
    """The permission to ask for ``kind`` with ``params``, and the params as stored. What the
    user may not read is answered as absent (404), never with a hint of what exists."""
    if kind == Kind.TARGET_DOSSIER:
        target_id = int(params["target"])
        if not target_selectors.visible_targets(by).filter(pk=target_id).exists():
            raise NotFoundForUser(_("没有该目标。"))
        return {"target": target_id}
    if kind == Kind.DEPARTMENT_DOSSIER:
        department = Department.objects.filter(pk=int(params["department"])).first()
        year = int(params["year"])
        if department is None or not permissions.may_generate_department_dossier(by, department):
            raise NotFoundForUser(_("没有该部门。"))
        if not PlanYear.objects.filter(year=year).exists():
            raise NotFoundForUser(_("没有该年度。"))
        return {"department": department.pk, "year": year}
    if kind == Kind.YEAR_LEDGER:
        year = int(params["year"])
        if not permissions.may_generate_ledger(by):
            raise NotPermitted(_("年度目标台账仅供市政府办公厅、督查室、审计和市领导生成。"))
        if not PlanYear.objects.filter(year=year).exists():
            raise NotFoundForUser(_("没有该年度。"))
        return {"year": year}
    if kind == Kind.TARGET_LIST_XLSX:
        query = {k: v for k, v in (params.get("query") or {}).items() if k != "page"}
        return {"query": query}
    if kind == Kind.PROGRESS_XLSX:
        return _check_progress_request(by, params)
    if kind in (Kind.EVALUATION_RESULTS, Kind.EVALUATION_RESULT_SHEET):
        return _check_evaluation_request(by, kind, params)
    if kind in (Kind.QUARTERLY_REPORT, Kind.QUARTERLY_SUMMARY):
        return _check_quarterly_request(by, kind, params)
    if kind == Kind.LEADER_BRIEFING:
        return _check_briefing_request(by, params)
    raise ValidationFailed(_("不支持的文档类型。"))


def _progress_scope(params: dict):
    """The plan year, period and department (``None``: every department) a progress export
    names, or ``NotFoundForUser``."""
    plan_year = PlanYear.objects.filter(year=int(params["year"])).first()
    if plan_year is None:
        raise NotFoundForUser(_("没有该年度。"))
    period_start = params.get("period")
    if isinstance(period_start, str):
        period_start = datetime.date.fromisoformat(period_start)
    period = periods.period_starting(plan_year, period_start)
    if period is None:
        raise ValidationFailed(_("请选择该年度的一个报告期。"))
    department = None
    if params.get("department"):
        department = Department.objects.filter(pk=int(params["department"])).first()
        if department is None:
            raise NotFoundForUser(_("没有该部门。"))
    return plan_year, period, department


def _check_progress_request(by, params: dict) -> dict:
    plan_year, period, department = _progress_scope(params)
    if not permissions.may_export_progress(by, department):
        if department is not None:
            raise NotFoundForUser(_("没有该部门。"))
        raise NotPermitted(_("全市进展报告汇总仅供市政府办公厅、督查室、审计和市领导导出。"))
    return {
        "year": plan_year.year,
        "period": period.start.isoformat(),
        "department": department.pk if department else None,
    }


def _evaluation_departments(user, kind: str, params: dict) -> list[int]:
    """The departments whose results the document would show ``user`` now, by evaluation's
    own rule for its result pages (evaluation.selectors.result_list / result_for)."""
    from evaluation import selectors as evaluation_selectors

    scheme = pdf.evaluation_scheme_for(user, int(params["scheme"]))
    if scheme is None:
        return []
    if kind == Kind.EVALUATION_RESULTS:
        return [r.department_id for r in evaluation_selectors.result_list(user, scheme)]
    department_id = int(params["department"])
    result = evaluation_selectors.result_for(user, scheme, department_id)
    return [department_id] if result is not None else []


def _check_evaluation_request(by, kind: str, params: dict) -> dict:
    """Results only for who may read them (Art. 23: a department its own after publication,
    leaders their portfolio's, the office side all); anything else is absent (404)."""
    if not _evaluation_departments(by, kind, params):
        raise NotFoundForUser(_("没有该考评结果，或结果尚未发布。"))
    checked = {"scheme": int(params["scheme"])}
    if kind == Kind.EVALUATION_RESULT_SHEET:
        checked["department"] = int(params["department"])
    return checked


def _quarterly_readable(user, kind: str, params: dict) -> bool:
    """Whether ``user`` may read the quarterly report or summary now, by execution's own rule
    for its pages (Art. 17: a department its own reports, a vice-mayor the forwarded ones of
    the portfolio, the office side all; a summary the office always, leaders once published)."""
    if kind == Kind.QUARTERLY_REPORT:
        return pdf.quarterly_report_for(user, int(params["report"])) is not None
    return pdf.quarterly_summary_for(user, int(params["summary"])) is not None


def _check_quarterly_request(by, kind: str, params: dict) -> dict:
    key = "report" if kind == Kind.QUARTERLY_REPORT else "summary"
    if not str(params.get(key) or "").isdigit() or not _quarterly_readable(by, kind, params):
        if kind == Kind.QUARTERLY_REPORT:
            raise NotFoundForUser(_("没有该季度报告。"))
        raise NotFoundForUser(_("没有该季度汇总。"))
    return {key: int(params[key])}


def _check_briefing_request(by, params: dict) -> dict:
    """The leader dashboard's rule (a city leader, or a reader of every record); anyone else
    is told there is no such page (404), as the dashboard tells them."""
    if not briefing.briefing_readable(by, {}):
        raise NotFoundForUser(_("没有该页面。"))
    year = int(params["year"])
    if not PlanYear.objects.filter(year=year).exists():
        raise NotFoundForUser(_("没有该年度。"))
    quarter = int(params["quarter"]) if params.get("quarter") else None
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise ValidationFailed(_("季度须为1至4。"))
    leader = int(params["leader"]) if params.get("leader") else None
    return {"year": year, "quarter": quarter, "leader": leader}


@transaction.atomic
def document_request(*, by, kind: str, params: dict) -> DocumentJob:
    """Ask for a document; it is generated in the background (Celery).

    Side effects: the job row, an audit row (who asked for which document), the task queued
    after commit."""
    try:
        params = _check_request(by, kind, params)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed(_("文档参数不完整。")) from exc
    params["language"] = translation.get_language() or settings.LANGUAGE_CODE
    job = DocumentJob.objects.create(kind=kind, params=params, requested_by=by)
    audit_record(
        actor=by,
        obj=job,
        action=AuditEvent.Action.CREATE,
        changes={"kind": [None, kind], "params": [None, params]},
    )
    _queue(job)
    return job


# --- imports ------------------------------------------------------------------------------


def _import_year() -> PlanYear:
    plan_year = target_selectors.current_plan_year()
    if plan_year is None or not plan_year.is_open_for_drafting:
        raise ValidationFailed(_("当前没有开放编制的年度，不能导入目标。"))
    return plan_year


def require_import_permission(user) -> None:
    """``NotPermitted`` (403) unless ``user`` may load a target list (the import page asks
    before showing the form, the upload again)."""
    if not permissions.may_import(user):
        raise NotPermitted(_("只有市政府办公厅（目标办）和部门可以导入目标清单。"))


@transaction.atomic
def import_upload(*, by, upload) -> DocumentJob:
    """Store an uploaded list and check every row in the background; nothing is created yet.

    Refused at once (nothing stored): not an .xlsx, empty, over the size limit."""
    require_import_permission(by)
    plan_year = _import_year()
    if upload is None:
        raise ValidationFailed(_("请选择要导入的Excel文件。"))
    try:
        excel.check_upload(upload)
    except excel.BadFile as exc:
        raise ValidationFailed(str(exc)) from exc
    job = DocumentJob(
        kind=Kind.IMPORT_CHECK,
        params={"year": plan_year.year, "language": translation.get_language()},
        requested_by=by,
        upload_name=os.path.basename(upload.name or "")[-200:],
    )
    job.upload.save("import.xlsx", upload, save=False)
    job.save()
    audit_record(
        actor=by,
        obj=job,
        action=AuditEvent.Action.CREATE,
        changes={"kind": [None, job.kind], "upload_name": [None, job.upload_name]},
    )
    _queue(job)
    return job


@transaction.atomic
def import_confirm(*, by, job: DocumentJob) -> DocumentJob:
    """确认导入: create every new row of a checked list as drafts, in the background, all or
    none. The file is checked again when the rows are created."""
    job = DocumentJob.objects.select_for_update().get(pk=job.pk)
    if job.requested_by_id != by.pk or job.kind != Kind.IMPORT_CHECK:
        raise NotFoundForUser(_("没有该导入。"))
    if job.state != State.DONE or not job.result.get("ok"):
        raise ValidationFailed(_("该文件未通过检查，请更正后重新上传。"))
    earlier = job.result.get("applied_by_job")
    if earlier and DocumentJob.objects.filter(pk=earlier).exclude(state=State.FAILED).exists():
        raise ValidationFailed(_("该文件已经确认导入。"))
    if not job.result.get("new"):
        raise ValidationFailed(_("没有需要导入的新目标（所有编号均已存在）。"))
    apply = DocumentJob.objects.create(
        kind=Kind.IMPORT_APPLY,
        params={**job.params, "check_job": job.pk},
        requested_by=by,
        upload=job.upload.name,
        upload_name=job.upload_name,
    )
    job.result = {**job.result, "applied_by_job": apply.pk}
    job.save(update_fields=["result"])
    audit_record(
        actor=by,
        obj=apply,
        action=AuditEvent.Action.CREATE,
        changes={"kind": [None, apply.kind], "check_job": [None, job.pk]},
    )
    _queue(apply)
    return apply


# --- running a job (the Celery task's body) -------------------------------------------------


def _set_progress(job_id: int, percent: int) -> None:
    DocumentJob.objects.filter(pk=job_id, state=State.RUNNING).update(progress=min(percent, 99))


def _locked_for(job_id: int, step: str, *, queryset=None) -> DocumentJob | None:
    """The job's row, locked until the transaction ends, if the worker's ``step`` may still be
    taken; else None and the step is skipped. The worker's steps are idempotent rather than
    refused (409): a redelivered message (acks_late) finds a finished job, a worker finishing
    late finds its job failed as stuck, the clean-up finds a job already expired."""
    return lock_for_step(queryset if queryset is not None else DocumentJob.objects, job_id, step)


def _claim(job_id: int, message_id: str | None = None) -> DocumentJob | None:
    """Mark the job running, unless it is finished: a redelivered message (acks_late: the
    worker died before acknowledging) finds a finished job and does nothing. A running job is
    started again only by the message that started it (``message_id``: its worker died); any
    other message of the job (a re-send, issue 18 item 2) leaves it to that one."""
    with transaction.atomic():
        job = _locked_for(
            job_id, "start", queryset=DocumentJob.objects.select_related("requested_by")
        )
        if job is None:
            return None
        if message_id and job.state == State.RUNNING and job.task_id not in ("", message_id):
            return None
        return transition_apply(
            job,
            "start",
            by=None,
            locked=True,
            values={"attempts": job.attempts + 1},
            stamps={"progress": 1, "started_at": timezone.now(), "task_id": message_id or ""},
        )


def _finish(job: DocumentJob, *, result: dict, file=None) -> None:
    """The job's document is complete (or its import checked / applied): attach the file
    (``(filename, content)``), keep it for the TTL. ``job``: the row ``_locked_for`` its
    finish, so a job that is no longer running (failed as stuck meanwhile, finished by another
    delivery) is left as it is and no file is written."""
    finished = timezone.now()
    values, stamps = {}, {"result": result, "progress": 100, "finished_at": finished}
    if file is not None:
        filename, content = file
        job.file.save(filename, ContentFile(content), save=False)
        values["filename"] = filename
        stamps["file"] = job.file.name
    stamps["expires_at"] = finished + ttl()
    transition_apply(job, "finish", by=None, locked=True, values=values, stamps=stamps)


def job_run(*, job_id: int, message_id: str | None = None) -> DocumentJob | None:
    """Generate the job's document (or check / apply its import). Safe to run twice: the file
    is written under a new name and attached only when complete, and an import's rows are
    created in the same transaction that marks the job done. ``message_id``: the task message
    running it (see ``_claim``)."""
    job = _claim(job_id, message_id)
    if job is None:
        return None
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        if job.kind == Kind.IMPORT_CHECK:
            _run_import_check(job)
        elif job.kind == Kind.IMPORT_APPLY:
            _run_import_apply(job)
        else:
            _run_document(job)
    job.refresh_from_db()
    if job.state == State.DONE:
        document_ready_notice(job)
    return job


def _run_document(job: DocumentJob) -> None:
    user = job.requested_by
    params = job.params

    def progress(p):
        _set_progress(job.pk, p)

    if job.kind == Kind.TARGET_LIST_XLSX:
        plan_year, qs = selectors.filtered_targets(user, params.get("query") or {})
        targets = selectors.target_records(qs)
        progress(10)
        title = _("%(year)s年度目标清单（导出时间：%(at)s）") % {
            "year": plan_year.year if plan_year else "",
            "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        }
        content = excel.write_target_list(
            targets, title=title, progress=progress, total=len(targets)
        )
        filename = f"{plan_year.year if plan_year else ''}-目标清单.xlsx"
        result = {"target_ids": [t["pk"] for t in targets], "rows": len(targets)}
    elif job.kind == Kind.PROGRESS_XLSX:
        plan_year, period, department = _progress_scope(params)
        reports = list(
            selectors.period_reports(
                user, plan_year=plan_year, period_start=period.start, department=department
            )
        )
        progress(40)
        scope = department.name if department else _("全市")
        title = _("%(scope)s %(period)s进展报告汇总（导出时间：%(at)s）") % {
            "scope": scope,
            "period": period.label,
            "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        }
        content = excel.write_progress(reports, title=title)
        short = (department.short_name or department.name) if department else _("全市")
        filename = f"{period.label}-{short}-进展报告.xlsx"
        result = {
            "target_ids": sorted({r.target_id for r in reports}),
            "report_ids": [r.pk for r in reports],
            "rows": len(reports),
        }
    else:
        generator = pdf.GENERATORS[job.kind]
        kwargs = {
            Kind.TARGET_DOSSIER: lambda: {"target_id": params["target"]},
            Kind.DEPARTMENT_DOSSIER: lambda: {
                "department_id": params["department"],
                "year": params["year"],
            },
            Kind.YEAR_LEDGER: lambda: {"year": params["year"]},
            Kind.EVALUATION_RESULTS: lambda: {"scheme_id": params["scheme"]},
            Kind.EVALUATION_RESULT_SHEET: lambda: {
                "scheme_id": params["scheme"],
                "department_id": params["department"],
            },
            Kind.QUARTERLY_REPORT: lambda: {"report_id": params["report"]},
            Kind.QUARTERLY_SUMMARY: lambda: {"summary_id": params["summary"]},
            Kind.LEADER_BRIEFING: lambda: {
                "year": params["year"],
                "quarter": params.get("quarter"),
                "leader": params.get("leader"),
            },
        }[job.kind]()
        rendered = generator(user=user, progress=progress, **kwargs)
        content, filename = rendered.content, rendered.filename
        result = {"target_ids": rendered.target_ids, "pages": rendered.pages, **rendered.extra}
    with transaction.atomic():
        locked = _locked_for(job.pk, "finish")
        if locked is not None:
            _finish(locked, result=result, file=(filename, content))


def _read_import(job: DocumentJob, *, progress=None):
    plan_year = PlanYear.objects.get(year=job.params["year"])
    with job.upload.open("rb") as f:
        data = f.read()
    return plan_year, excel.read_target_list(
        data, user=job.requested_by, plan_year=plan_year, progress=progress
    )


def _run_import_check(job: DocumentJob) -> None:
    _plan_year, check = _read_import(job, progress=lambda p: _set_progress(job.pk, p))
    with transaction.atomic():
        locked = _locked_for(job.pk, "finish")
        if locked is not None:
            _finish(locked, result=check.as_dict())


def _run_import_apply(job: DocumentJob) -> None:
    """All rows or none: one transaction creates every new row through the targets' creation
    service (the form's rules, revision and audit row, written set-wise: a thousand rows in a
    few seconds) and marks the job done, so a retried task cannot create anything twice."""
    by = job.requested_by
    with transaction.atomic():
        locked = _locked_for(job.pk, "finish")
        if locked is None:
            return
        plan_year, check = _read_import(job)
        if not check.ok:
            raise ValidationFailed(
                _("文件未通过复查，未导入任何目标：%(reason)s") % {"reason": _first_problem(check)}
            )
        rows = check.new_rows
        # A refused row raises NotPermitted or ValidationFailed naming its sheet row; nothing
        # is written and the job fails with that message.
        created = [
            target.pk
            for target in target_services.targets_create_many(
                by=by,
                plan_year=plan_year,
                inputs=[row.data for row in rows],
                imported=True,
                rows=[row.number for row in rows],
            )
        ]
        _finish(
            locked,
            result={
                "created": len(created),
                "exists": sum(1 for r in check.rows if r.status == "exists"),
                "target_ids": created,
                "year": plan_year.year,
            },
        )


def _first_problem(check) -> str:
    if check.file_errors:
        return check.file_errors[0]
    for row in check.rows:
        for error in row.errors:
            return _("第%(row)s行%(col)s列（%(header)s）：%(message)s") % {
                "row": row.number,
                "col": error.column,
                "header": error.header,
                "message": error.message,
            }
    return ""


def job_fail(*, job_id: int, message: str) -> None:
    """The job ends with a message for its requester — never a spinner forever. A job that
    finished meanwhile keeps its document."""
    with transaction.atomic():
        job = _locked_for(job_id, "fail")
        if job is None:
            return
        transition_apply(
            job,
            "fail",
            by=None,
            locked=True,
            values={"error": message[:2000]},
            stamps={"finished_at": timezone.now()},
        )


# --- download, expiry, notice ---------------------------------------------------------------


def download_allowed(user, job: DocumentJob) -> bool:
    """Whether ``user`` may still read everything the finished document shows: the requester,
    the scope of the document (department, ledger) and every target in it, checked now."""
    if job.requested_by_id != user.pk or job.state != State.DONE or not job.file:
        return False
    if job.expires_at is not None and job.expires_at <= timezone.now():
        return False
    params = job.params
    if job.kind == Kind.DEPARTMENT_DOSSIER:
        department = Department.objects.filter(pk=params.get("department")).first()
        if department is None or not permissions.may_generate_department_dossier(user, department):
            return False
    if job.kind == Kind.YEAR_LEDGER and not permissions.may_generate_ledger(user):
        return False
    if job.kind == Kind.PROGRESS_XLSX:
        department = Department.objects.filter(pk=params.get("department") or 0).first()
        if not permissions.may_export_progress(user, department):
            return False
        report_ids = job.result.get("report_ids") or []
        if report_ids and visible_reports(user).filter(pk__in=report_ids).count() != len(
            set(report_ids)
        ):
            return False
    if job.kind in (Kind.EVALUATION_RESULTS, Kind.EVALUATION_RESULT_SHEET):
        # Every department the document shows must still be readable (e.g. a preview the office
        # generated is not a department's to download; a vice-mayor who left a portfolio).
        shown = set(job.result.get("department_ids") or [])
        if not shown <= set(_evaluation_departments(user, job.kind, params)):
            return False
    if job.kind in (Kind.QUARTERLY_REPORT, Kind.QUARTERLY_SUMMARY) and not _quarterly_readable(
        user, job.kind, params
    ):
        # The report page's rule, now (e.g. a vice-mayor who no longer holds the portfolio).
        return False
    if job.kind == Kind.LEADER_BRIEFING and not briefing.briefing_readable(
        user, params, job.result.get("department_ids") or []
    ):
        return False
    ids = job.result.get("target_ids") or []
    if not ids:
        return True
    return target_selectors.visible_targets(user).filter(pk__in=ids).count() == len(set(ids))


def purge_expired(*, now=None) -> int:
    """Delete the files of expired documents and uploads; fail jobs stuck past their time (a
    lost worker) so their requester sees a message. Returns the number of files removed."""
    now = now or timezone.now()
    removed = 0
    expired = DocumentJob.objects.filter(state=State.DONE, expires_at__lte=now)
    for job_id in expired.values_list("pk", flat=True):
        with transaction.atomic():
            job = _locked_for(job_id, "expire")
            if job is None:  # expired by another clean-up meanwhile
                continue
            for f in (job.file, job.upload):
                if f and not _upload_shared(job, f):
                    f.delete(save=False)
                    removed += 1
            transition_apply(job, "expire", by=None, locked=True, stamps={"file": "", "upload": ""})
    # Running past DOCUMENTS_STUCK_AFTER_MINUTES since its last start: its message is lost (a
    # killed worker's comes back within the broker's visibility timeout, 15 minutes). Queued a
    # whole TTL: never sent although re-sent all along (the outbox keeps a request made while
    # the broker was down until it is back, issue 18 item 2).
    stuck_before = now - datetime.timedelta(minutes=settings.DOCUMENTS_STUCK_AFTER_MINUTES)
    stuck = DocumentJob.objects.annotate(last_start=Coalesce("started_at", "created_at")).filter(
        Q(state=State.RUNNING, last_start__lt=stuck_before)
        | Q(state=State.QUEUED, created_at__lt=now - ttl())
    )
    for job_id in stuck.values_list("pk", flat=True):
        job_fail(job_id=job_id, message=_("生成超时，请重新申请。"))
    return removed


def _upload_shared(job: DocumentJob, f) -> bool:
    # A check and its apply job share one uploaded file: keep it while the other still has it.
    if f.name != job.upload.name:
        return False
    return (
        DocumentJob.objects.filter(upload=f.name)
        .exclude(pk=job.pk)
        .exclude(state=State.EXPIRED)
        .exists()
    )


def document_ready_notice(job: DocumentJob) -> None:
    """THE one place that tells the requester their document is ready — through the one path
    for telling anyone anything (``notifications.services.notify``: in-app, and by e-mail after
    commit if the requester wants this kind by e-mail). The key makes it once per job even if a
    redelivered task (acks_late) finishes the job twice; the read check registered for
    ``DocumentJob`` (``documents.apps``) lets only the requester be told."""
    title = _("【文档已生成】%(kind)s") % {"kind": job.get_kind_display()}
    body = _("您申请的“%(kind)s”已处理完毕，请在有效期内查看或下载。") % {
        "kind": job.get_kind_display()
    }
    notify(
        recipients=[job.requested_by],
        kind=DOCUMENT_READY,
        title=title,
        body=body,
        url=reverse("documents:job_detail", args=[job.pk]),
        obj=job,
        key=f"document-ready-{job.pk}",
    )
