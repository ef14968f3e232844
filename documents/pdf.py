"""PDF documents (WeasyPrint) in the style of an official document (公文): issuing body,
title, date, numbered sections, tables whose headers repeat on every page, and a footer with
"第 N 页 共 M 页", the generation time and who generated it.

The CJK font (Noto Serif/Sans CJK SC, Debian's fonts-noto-cjk) is named everywhere text is
drawn, the page's margin boxes included, so no glyph falls back to an empty box; WeasyPrint
embeds the subset used.
"""

import gc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import Department
from audit.integrity import chain_head
from targets.models import PlanYear, Target

from . import permissions, selectors
from .fetcher import StaticOnlyFetcher
from .sections import chinese_number, dossier_sections

Progress = Callable[[int], None]


@dataclass
class Rendered:
    content: bytes
    pages: int
    filename: str
    target_ids: list[int]
    # What else the download re-checks (e.g. the departments whose results it shows).
    extra: dict = field(default_factory=dict)


def _font_config():
    # One font configuration per process: loading the CJK faces is the slow part.
    from weasyprint.text.fonts import FontConfiguration

    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


_FONT_CONFIG = None


def issuing_body() -> str:
    return getattr(settings, "DOCUMENTS_ISSUING_BODY", "") or _("市人民政府办公厅")


def page_counter_css() -> str:
    """The footer's "第 N 页 共 M 页" as a CSS ``content`` value, from one translatable string
    whose {page} and {pages} become the page counters."""
    label = _("第 {page} 页 共 {pages} 页").replace("\\", "").replace('"', "")
    css = '"' + label + '"'
    css = css.replace("{page}", '" counter(page) "').replace("{pages}", '" counter(pages) "')
    return css


def _common(user, title: str) -> dict:
    now = timezone.localtime()
    return {
        "page_counter": page_counter_css(),
        "title": title,
        "issuing_body": issuing_body(),
        "issued_on": now.date(),
        "generated_at": now,
        "generated_by": str(user),
        "font_serif": settings.DOCUMENTS_PDF_FONTS["serif"],
        "font_sans": settings.DOCUMENTS_PDF_FONTS["sans"],
    }


@contextmanager
def _no_cycle_collection():
    """The cyclic garbage collector paused for the block. WeasyPrint allocates millions of
    boxes and styles while it lays out a document, so the collector keeps starting and walks
    every live object (the Django objects of the job's rows too) without finding much to free:
    on the 151-page ledger that was a sixth of the CPU time. The garbage the layout leaves is
    collected as usual once the collector runs again; pausing it cost 6 MB of peak memory."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(template: str, context: dict, *, progress: Progress | None = None):
    """HTML from ``template``, laid out and written as PDF; returns ``(bytes, pages)``."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    if progress:
        progress(40)
    with _no_cycle_collection():
        document = HTML(
            string=html, base_url=str(settings.BASE_DIR), url_fetcher=StaticOnlyFetcher()
        ).render(font_config=_font_config())
        if progress:
            progress(85)
        return document.write_pdf(), len(document.pages)


def _dossier_item(target, user) -> dict:
    return {"target": target, "sections": dossier_sections(target, user=user)}


def target_dossier(*, user, target_id: int, progress: Progress | None = None) -> Rendered:
    """卷宗 of one target: content, departments and leaders, node targets, the negotiation,
    every revision with its changes and the full audit trail (Art. 14: 全程记录)."""
    target = selectors.dossier_targets(user).filter(pk=target_id).first()
    if target is None:
        raise Http404
    context = _common(user, _("目标卷宗"))
    context.update(
        subtitle=f"{target.code} {target.title}",
        items=[_dossier_item(target, user)],
        # The audit chain's head when generated (issue 17 item 5): a head the trail no longer
        # contains proves the trail was cut after this document.
        chain_head=chain_head(),
    )
    content, pages = render_pdf("documents/pdf/dossier.html", context, progress=progress)
    return Rendered(content, pages, f"{target.code}-目标卷宗.pdf", [target.pk])


def department_dossier(
    *, user, department_id: int, year: int, progress: Progress | None = None
) -> Rendered:
    """Every target a department leads in a year, each with its whole dossier."""
    department = Department.objects.filter(pk=department_id).first()
    plan_year = PlanYear.objects.filter(year=year).first()
    if (
        department is None
        or plan_year is None
        or not permissions.may_generate_department_dossier(user, department)
    ):
        raise Http404
    targets = list(selectors.department_targets(user, department=department, plan_year=plan_year))
    items = []
    for i, target in enumerate(targets, start=1):
        items.append(_dossier_item(target, user))
        if progress and i % 5 == 0:
            progress(5 + 30 * i // len(targets))
    context = _common(user, _("部门目标卷宗"))
    context.update(
        subtitle=_("%(department)s · %(year)s年度") % {"department": department, "year": year},
        department=department,
        plan_year=plan_year,
        summary=targets,
        items=items,
        chain_head=chain_head(),
    )
    content, pages = render_pdf("documents/pdf/dossier.html", context, progress=progress)
    return Rendered(
        content,
        pages,
        f"{year}-{department.short_name or department.name}-部门目标卷宗.pdf",
        [t.pk for t in targets],
    )


def year_ledger(*, user, year: int, progress: Progress | None = None) -> Rendered:
    """目标台账, an execution ledger (issue 16 item 12): the year's targets the requester may
    read, by aspect, one row each with the Huangpu list's columns (node targets Q1–Q4 with
    each one's status — 逾期 once past its due date without a result —, lead, responsible and
    cooperating departments, leaders), the latest verified value and % complete and the
    warning level."""
    plan_year = PlanYear.objects.filter(year=year).first()
    if plan_year is None or not permissions.may_generate_ledger(user):
        raise Http404
    targets = list(selectors.ledger_targets(user, plan_year=plan_year))
    if progress:
        progress(20)
    groups: list[dict] = []
    statuses = LedgerStatuses()
    for target in targets:
        if not groups or groups[-1]["aspect"].pk != target.aspect_id:
            groups.append(
                {
                    "aspect": target.aspect,
                    "number": len(groups) + 1,
                    "rows": [],
                }
            )
        groups[-1]["rows"].append(ledger_row(target, statuses))
    context = _common(user, _("%(year)s年度目标台账") % {"year": year})
    context.update(plan_year=plan_year, groups=groups, count=len(targets))
    content, pages = render_pdf("documents/pdf/ledger.html", context, progress=progress)
    return Rendered(content, pages, f"{year}-目标台账.pdf", [t.pk for t in targets])


class LedgerStatuses:
    """What every row of a ledger shares, worked out once per ledger: the labels of a node
    target's shown status (``Milestone.shown_status``: 逾期 past the due date without a result,
    issue 16 item 3) read on one day, of the warning levels, and the formats of a cell's
    lines."""

    def __init__(self):
        from targets.models import Milestone, milestone_today

        self.today = milestone_today()
        self.milestone = {k: str(v) for k, v in Milestone.Status.choices}
        self.milestone[Milestone.OVERDUE] = str(Milestone.OVERDUE_LABEL)
        self.levels = {k: str(v) for k, v in LEVEL_LABELS.items()}
        self.day = _("n月j日")
        self.percent = _("完成%(p)s%%")
        self.as_of = _("截至%(d)s")


def _short(department) -> str:
    return department.short_name or department.name


def ledger_row(target: Target, statuses: LedgerStatuses) -> dict:
    """One row of the ledger as the text of its cells, a cell's lines joined by newlines (kept
    by ``white-space: pre-line``). Built here rather than by template tags: a city's ledger has
    15,000 cells, and the tags and filters of each (dates formatted with a translated format,
    ``default``, loops over departments) cost as much as WeasyPrint's layout of them."""
    from django.utils.dateformat import format as date_format

    from targets.templatetags.target_values import plain_number

    by_quarter = {m.quarter: m for m in target.milestones.all()}
    responsible = [d.department for d in target.departments.all() if d.role == "responsible"]
    cooperating = [d.department for d in target.departments.all() if d.role == "cooperating"]
    title = target.title
    if target.kind == "quantitative":
        title += f"\n{target.indicator}：{plain_number(target.target_value)}{target.unit}"
    quarters = []
    for q in (1, 2, 3, 4):
        m = by_quarter.get(q)
        quarters.append(
            "\n".join(
                (
                    m.description,
                    date_format(m.due_date, statuses.day),
                    statuses.milestone[m.shown_status(statuses.today)],
                )
            )
            if m
            else ""
        )
    leaders = "\n".join(x for x in (str(target.lead_leader or ""), target.dept_head_name) if x)
    percent = verified_percent(target)
    progress = "—"
    if getattr(target, "verified_period_end", None) is not None:
        lines = []
        if target.verified_value is not None:
            lines.append(f"{plain_number(target.verified_value)}{target.unit}")
        if percent is not None:
            lines.append(statuses.percent % {"p": plain_number(percent)})
        lines.append(statuses.as_of % {"d": date_format(target.verified_period_end, statuses.day)})
        progress = "\n".join(lines)
    return {
        "target": target,
        "cells": [
            target.code,
            title,
            *quarters,
            _short(target.lead_department),
            # A target without a separate responsible department is its lead department's to
            # deliver: the lead is then the department responsible (Huangpu's list names one
            # in every row).
            "、".join(_short(d) for d in responsible or [target.lead_department]),
            "、".join(_short(d) for d in cooperating),
            leaders,
            progress,
            statuses.levels.get(getattr(target, "warning_level", None) or "", ""),
        ],
    }


def verified_percent(target: Target) -> Decimal | None:
    """% complete of the latest verified figure, by the warnings' own rule (baseline → target
    value in the target's direction, or the verified % of a qualitative target)."""
    from execution.early_warning import actual_percent

    if getattr(target, "verified_period_end", None) is None:
        return None
    percent = actual_percent(
        kind=target.kind,
        baseline=target.baseline,
        target_value=target.target_value,
        direction=target.direction,
        verified_value=target.verified_value,
        verified_percent=target.verified_percent,
    )
    return percent.quantize(Decimal("0.01")) if percent is not None else None


# --- evaluation (issue 10 item 5): the results and a department's result sheet ------------


def evaluation_scheme_for(user, scheme_id: int):
    """The scheme, if the user may read it (every signed-in user reads the rules)."""
    from evaluation import selectors as evaluation_selectors

    return evaluation_selectors.visible_schemes(user).filter(pk=scheme_id).first()


def evaluation_results(*, user, scheme_id: int, progress: Progress | None = None) -> Rendered:
    """考评结果: the results by category, exactly the rows the results page shows the user
    (evaluation.selectors.result_list: a department its own after publication, a vice-mayor the
    portfolio's, the office side all — and the office a preview before publication)."""
    from evaluation import selectors as evaluation_selectors

    scheme = evaluation_scheme_for(user, scheme_id)
    rows = evaluation_selectors.result_list(user, scheme) if scheme is not None else []
    if not rows:
        raise Http404
    groups: dict[str, list] = {}
    for row in rows:
        # Zhongshan Art. 23: the bonus outcome the scheme ties to each result (issue 16).
        row.outcome = evaluation_selectors.result_outcome(row, scheme)
        groups.setdefault(str(row.get_category_display() or _("未分类")), []).append(row)
    context = _common(user, _("%(year)s年度目标考评结果") % {"year": scheme.plan_year.year})
    context.update(
        subtitle=str(scheme),
        scheme=scheme,
        groups=groups,
        is_preview=scheme.state != "published",
    )
    content, pages = render_pdf("documents/pdf/evaluation_results.html", context, progress=progress)
    return Rendered(
        content,
        pages,
        f"{scheme.plan_year.year}-考评结果.pdf",
        [],
        {"department_ids": [r.department_id for r in rows]},
    )


def evaluation_result_sheet(
    *, user, scheme_id: int, department_id: int, progress: Progress | None = None
) -> Rendered:
    """A department's result sheet (考评结果表): points per indicator, the weighted sources,
    the deductions with the records behind them, final score, rank and grade — what its result
    page shows, under the same rule (evaluation.selectors.result_for)."""
    from evaluation import selectors as evaluation_selectors

    scheme = evaluation_scheme_for(user, scheme_id)
    result = (
        evaluation_selectors.result_for(user, scheme, department_id) if scheme is not None else None
    )
    if result is None:
        raise Http404
    values = result.detail.get("indicators", {})
    passed = result.detail.get("passed_items", {})
    rows = [
        {
            **row,
            "points": Decimal(values[str(row["indicator"].pk)])
            if values.get(str(row["indicator"].pk)) is not None
            else None,
            "passed": passed.get(str(row["indicator"].pk)),
        }
        for row in evaluation_selectors.indicator_tree(scheme)
    ]
    bodies = {b.pk: b for b in scheme.bodies.all()}
    sources = [
        {
            "body": bodies.get(int(k)),
            **{name: Decimal(v) if v is not None else None for name, v in value.items()},
        }
        for k, value in result.detail.get("sources", {}).items()
    ]
    linked = evaluation_selectors.deduction_records(result)
    rules = {r.category: r for r in scheme.deduction_rules.all()}
    deductions = [
        {
            **line,
            "points_value": Decimal(line["points"]),
            "rule": rules.get(line.get("category")),
            "record_objects": [
                linked["records"][i] for i in line.get("records", []) if i in linked["records"]
            ],
            "deduction_object": linked["target_deductions"].get(line.get("deduction")),
        }
        for line in result.detail.get("deductions", [])
    ]
    department = result.department
    context = _common(user, _("部门目标考评结果表"))
    context.update(
        subtitle=_("%(department)s · %(scheme)s") % {"department": department, "scheme": scheme},
        scheme=scheme,
        result=result,
        department=department,
        rows=rows,
        sources=sources,
        deductions=deductions,
        missing=result.detail.get("missing_sheets", []),
        outcome=evaluation_selectors.result_outcome(result, scheme),
        is_preview=scheme.state != "published",
    )
    content, pages = render_pdf(
        "documents/pdf/evaluation_result_sheet.html", context, progress=progress
    )
    return Rendered(
        content,
        pages,
        f"{scheme.plan_year.year}-{department.short_name or department.name}-考评结果表.pdf",
        [],
        {"department_ids": [department.pk]},
    )


# --- quarterly reports and the office's summary (issue 8 item 2; Shanghai Art. 17) -----------

LEVEL_LABELS = {
    "red": gettext_lazy("红色"),
    "yellow": gettext_lazy("黄色"),
    "green": gettext_lazy("绿色"),
}


def quarter_name(quarter: int) -> str:
    """第三季度 in Chinese (official documents write numbers so); Q3 in other languages."""
    language = get_language() or settings.LANGUAGE_CODE
    return chinese_number(quarter) if language.startswith("zh") else str(quarter)


def quarterly_report_for(user, report_id: int):
    """The report with its lines and instructions, if the user may read it — exactly the
    report page's rule (execution.selectors.quarterly.quarterly_report_detail_queryset)."""
    from execution.selectors import quarterly as quarterly_selectors

    return quarterly_selectors.quarterly_report_detail_queryset(user).filter(pk=report_id).first()


def quarterly_summary_for(user, summary_id: int):
    """The summary, if the user may read it (execution.selectors.quarterly.visible_summaries:
    the general office always, leaders and the office side once published)."""
    from execution.selectors import quarterly as quarterly_selectors

    return quarterly_selectors.visible_summaries(user).filter(pk=summary_id).first()


def quarterly_report(*, user, report_id: int, progress: Progress | None = None) -> Rendered:
    """季度报告 of one department to its vice-mayor (Art. 17: 每季度向分管副市长报告): the
    department as issuing body, 一、总体情况 二、各目标进展 三、存在问题 四、下一步工作, and the
    vice-mayor's instructions (批示) with the department's answers."""
    report = quarterly_report_for(user, report_id)
    if report is None:
        raise Http404
    department = report.department
    items = [
        {"item": item, "level_label": LEVEL_LABELS.get(item.level, "")}
        for item in report.items.all()
    ]
    title = _("%(department)s%(year)s年第%(quarter)s季度目标执行情况报告") % {
        "department": department.name,
        "year": report.plan_year.year,
        "quarter": quarter_name(report.quarter),
    }
    context = _common(user, title)
    context.update(
        issuing_body=department.name,
        issued_on=timezone.localtime(report.submitted_at).date()
        if report.submitted_at
        else context["issued_on"],
        report=report,
        items=items,
        problems=[row for row in items if row["item"].problems or row["item"].narrative],
        instructions=list(report.instructions.all()),
    )
    content, pages = render_pdf("documents/pdf/quarterly_report.html", context, progress=progress)
    return Rendered(
        content,
        pages,
        f"{report.plan_year.year}-Q{report.quarter}-"
        f"{department.short_name or department.name}-季度报告.pdf",
        [],
        {"report_id": report.pk},
    )


def _level_rows(counts: dict) -> list[dict]:
    return [
        {"name": name, **{level: row.get(level, 0) for level in LEVEL_LABELS}}
        for name, row in counts.items()
    ]


def quarterly_summary(*, user, summary_id: int, progress: Progress | None = None) -> Rendered:
    """季度汇总 of the general office for the mayor and vice-mayors (Art. 17): the figures the
    summary holds (drafted by execution.services.quarterly.summary_figures, frozen at
    publication) and the office's text — not recomputed here."""
    summary = quarterly_summary_for(user, summary_id)
    if summary is None:
        raise Http404
    figures = summary.figures or {}
    states = dict(Target.State.choices)
    context = _common(
        user,
        _("%(year)s年第%(quarter)s季度目标执行情况汇总")
        % {"year": summary.plan_year.year, "quarter": quarter_name(summary.quarter)},
    )
    context.update(
        issued_on=timezone.localtime(summary.published_at).date()
        if summary.published_at
        else context["issued_on"],
        summary=summary,
        is_draft=summary.state != summary.State.PUBLISHED,
        by_state=[
            {"label": states.get(key, key), "count": n}
            for key, n in (figures.get("by_state") or {}).items()
        ],
        by_level=[
            {"label": label, "count": (figures.get("by_level") or {}).get(level, 0)}
            for level, label in LEVEL_LABELS.items()
        ],
        per_aspect=_level_rows(figures.get("per_aspect") or {}),
        per_portfolio=_level_rows(figures.get("per_portfolio") or {}),
        red=figures.get("red") or [],
        overdue=figures.get("overdue_reports") or [],
        open_coordination=figures.get("open_coordination", 0),
        approved_adjustments=figures.get("approved_adjustments", 0),
    )
    content, pages = render_pdf("documents/pdf/quarterly_summary.html", context, progress=progress)
    return Rendered(
        content,
        pages,
        f"{summary.plan_year.year}-Q{summary.quarter}-季度汇总.pdf",
        [],
        {"summary_id": summary.pk},
    )


def leader_briefing(**kwargs) -> Rendered:
    """The vice-mayor's one-page briefing (``documents.briefing``, issue 19 item 10)."""
    from .briefing import leader_briefing as generate

    return generate(**kwargs)


GENERATORS = {
    "target_dossier": target_dossier,
    "department_dossier": department_dossier,
    "year_ledger": year_ledger,
    "evaluation_results": evaluation_results,
    "evaluation_result_sheet": evaluation_result_sheet,
    "quarterly_report": quarterly_report,
    "quarterly_summary": quarterly_summary,
    "leader_briefing": leader_briefing,
}
