"""Documents generated in the background (PDF dossiers, ledgers, Excel exports) and Excel
imports, each one a job the requester watches until its file is ready."""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from . import permissions as perms


def document_upload_to(instance, filename) -> str:
    """A generated storage name: the user's file name never reaches the storage backend."""
    extension = os.path.splitext(filename)[1].lower()
    if extension not in (".pdf", ".xlsx"):
        extension = ""
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class DocumentJob(ConcurrentTransitionMixin, models.Model):
    """One document or import, from the request to the file's expiry. Its steps are the
    worker's (``documents.services``, through ``workflow.transitions.transition_apply`` with
    ``by=None``): nobody moves a job by hand, so each step's permission refuses every person."""

    class Kind(models.TextChoices):
        TARGET_DOSSIER = "target_dossier", _("目标卷宗（PDF）")
        DEPARTMENT_DOSSIER = "department_dossier", _("部门目标卷宗（PDF）")
        YEAR_LEDGER = "year_ledger", _("年度目标台账（PDF）")
        TARGET_LIST_XLSX = "target_list_xlsx", _("目标清单（Excel）")
        PROGRESS_XLSX = "progress_xlsx", _("进展报告汇总（Excel）")
        EVALUATION_RESULTS = "evaluation_results", _("考评结果（PDF）")
        EVALUATION_RESULT_SHEET = "evaluation_result_sheet", _("部门考评结果表（PDF）")
        QUARTERLY_REPORT = "quarterly_report", _("季度报告（PDF）")
        QUARTERLY_SUMMARY = "quarterly_summary", _("季度汇总（PDF）")
        LEADER_BRIEFING = "leader_briefing", _("领导季度简报（PDF）")
        IMPORT_CHECK = "import_check", _("目标清单导入检查")
        IMPORT_APPLY = "import_apply", _("目标清单导入")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        EXPIRED = "expired", _("已过期")

    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="document_jobs",
    )
    state = FSMField(
        _("状态"), max_length=20, choices=State.choices, default=State.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    # The uploaded spreadsheet of an import; the generated document of the others.
    upload = models.FileField(_("上传文件"), upload_to=document_upload_to, blank=True)
    upload_name = models.CharField(_("上传文件名"), max_length=200, blank=True)
    file = models.FileField(_("文件"), upload_to=document_upload_to, blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    # What the generation found: the targets the document shows (re-checked on download), an
    # import's rows and errors, the number of pages…
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    # The outbox (issue 18 item 2): the row is written first and its message handed to the
    # broker after commit. ``sent_at``: when the broker last took a message for it (empty: it
    # has not yet, e.g. Redis was down; the periodic re-send sends it). ``task_id``: the message
    # that started it, the only one that may start it again (redelivered after its worker died);
    # any other message for the job (a re-send's duplicate) finds it taken and does nothing.
    sent_at = models.DateTimeField(_("送入队列时间"), null=True, blank=True)
    task_id = models.CharField(_("任务消息编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True, db_index=True)

    # A change key that is no field: the checked list an import job was confirmed from.
    AUDIT_FIELDS = {"check_job": _("所确认的导入检查")}

    class Meta:
        verbose_name = _("文档任务")
        verbose_name_plural = pgettext_lazy("plural", "文档任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    # --- the worker's steps (each one audited: who asked for what, when it was ready) ---------

    @transition(
        field=state,
        # Running again: a redelivered message (acks_late) whose worker died midway.
        source=[State.QUEUED, State.RUNNING],
        target=State.RUNNING,
        permission=perms.only_the_worker,
        custom={"label": _("开始生成")},
    )
    def start(self):
        pass

    @transition(
        field=state,
        source=State.RUNNING,
        target=State.DONE,
        permission=perms.only_the_worker,
        custom={"label": _("生成完成")},
    )
    def finish(self):
        pass

    @transition(
        field=state,
        source=[State.QUEUED, State.RUNNING],
        target=State.FAILED,
        permission=perms.only_the_worker,
        custom={"label": _("生成失败")},
    )
    def fail(self):
        pass

    @transition(
        field=state,
        source=State.DONE,
        target=State.EXPIRED,
        permission=perms.only_the_worker,
        custom={"label": _("过期删除")},
    )
    def expire(self):
        pass

    @property
    def is_pending(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def awaiting_broker(self) -> bool:
        """Recorded, but the task queue could not take it yet: it is sent when it is back."""
        return self.state == self.State.QUEUED and self.sent_at is None

    @property
    def is_import(self) -> bool:
        return self.kind in (self.Kind.IMPORT_CHECK, self.Kind.IMPORT_APPLY)
