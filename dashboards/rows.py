"""The dashboards' long lists written in Python (issue 20), as ``targets/rows.py`` does for the
targets table: the leader dashboard's departments, red list and targets not reported; the
office overview's completion table (also the completion-rate page, ``{% completion_rows %}``),
review queue, quarterly reports to forward and pending adjustments; the department home's
to-do rows, overdue node targets and targets.

Through the template language their rows (up to 100 a list, 80 departments; a ``{% url %}``, a
date filter and a dozen lookups or an include each) were most of the pages' own template time.
The markup is byte for byte what the templates wrote: values escaped, the templates' translated
literals not (Django does not escape them either); a link is reversed once per list, not once
per row.
"""

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from execution.models import ProgressReport
from workflow.speed import url_for_each

_link = url_for_each


def _day(moment) -> str:
    """``{{ moment|date:"Y-m-d" }}``: the local day of a time, empty without one."""
    return localtime(moment).strftime("%Y-%m-%d") if moment else ""


def _safe(html: list[str]) -> SafeString:
    return mark_safe("".join(html))  # noqa: S308 — every value in these rows is escaped


def _code_title(target) -> str:
    return f"{escape(target.code)} {escape(target.title)}"


def _linked_items(url_name: str, rows, text, *, fragment: str = "", after=None) -> SafeString:
    """``<li><a href="…">text</a>after</li>`` for each row, linking to ``url_name`` of the row's
    ``pk`` (the boards' short lists)."""
    link = _link(url_name)
    return _safe(
        [
            f'<li><a href="{link(r.pk)}{fragment}">{text(r)}</a>{after(r) if after else ""}</li>'
            for r in rows
        ]
    )


# --- the leader dashboard ------------------------------------------------------------------------


def department_rows(departments) -> SafeString:
    """The ``<tr>`` of ``selectors.DepartmentRow``: targets, node completion, levels."""
    labels = (_("部门"), _("目标数"), _("节点完成率"), _("红色"), _("黄色"), _("绿色"))
    name, targets, completion, red, yellow, green = labels
    late = _("逾期 %(n)s")
    out = []
    for d in departments:
        overdue = ""
        if d.milestones_overdue:
            overdue = (
                f' <span class="tag tag--late" data-milestones-overdue="{d.milestones_overdue}">'
                f"{late % {'n': d.milestones_overdue}}</span>"
            )
        out.append(
            f'<tr data-department="{d.department_id}"><th scope="row" data-label="{name}">'
            f"{escape(d.name)}</th>"
            f'<td class="num" data-label="{targets}">{d.targets}</td>'
            f'<td class="num" data-label="{completion}">{d.completion}%'
            f"（{d.milestones_achieved}/{d.milestones_due}）{overdue}</td>"
            f'<td class="num" data-label="{red}">{d.red}</td>'
            f'<td class="num" data-label="{yellow}">{d.yellow}</td>'
            f'<td class="num" data-label="{green}">{d.green}</td></tr>'
        )
    return _safe(out)


def red_rows(red_list) -> SafeString:
    """The ``<tr>`` of the red list (``boards.RedRow``): target, lead department, reason."""
    target = _link("targets:target_detail")
    label_target, label_department, label_reason = _("目标"), _("牵头部门"), _("预警原因")
    return _safe(
        [
            f'<tr><td data-label="{label_target}"><a href="{target(s.target_id)}">'
            f"{_code_title(s.target)}</a></td>"
            f'<td data-label="{label_department}">{escape(s.target.lead_department.name)}</td>'
            f'<td data-label="{label_reason}">{escape(s.reason or "—")}</td></tr>'
            for s in red_list
        ]
    )


def not_reported_items(targets) -> SafeString:
    """The ``<li>`` of the targets whose progress report is overdue (``boards.TargetRef``)."""
    return _linked_items(
        "targets:target_detail",
        targets,
        _code_title,
        after=lambda t: f"（{escape(t.lead_department.name)}）",
    )


# --- the office overview -------------------------------------------------------------------------


def completion_rows(completion) -> SafeString:
    """The ``<tr>`` of ``execution.selectors.completion_rate.Completion``: per department, the
    reports owed, on time, late, missing (a chase link once the period is overdue) and rate."""
    labels = (_("部门"), _("应报"), _("按时报送"), _("逾期报送"), _("未报"), _("按时率"))
    name, due, on_time, late, missing, rate = labels
    chase = ""
    if completion.overdue:
        chase = escape(
            f"{reverse('execution:chase')}?year={completion.period.year}"
            f"&period={completion.period.start.isoformat()}&department="
        )
        title = _("催报")
    out = []
    for r in completion.rows:
        shown = r.missing
        if chase and shown:
            shown = (
                f'<a href="{chase}{r.department_id}" title="{title}" data-chase-link>{shown}</a>'
            )
        out.append(
            f'<tr data-department="{r.department_id}">\n'
            f'<th scope="row" data-label="{name}">{escape(r.department_name)}</th>\n'
            f'<td class="num" data-label="{due}">{r.due}</td>\n'
            f'<td class="num" data-label="{on_time}">{r.on_time}</td>\n'
            f'<td class="num" data-label="{late}">{r.late}</td>\n'
            f'<td class="num" data-label="{missing}">{shown}</td>\n'
            f'<td class="num" data-label="{rate}">{r.rate}%</td>\n'
            "</tr>"
        )
    return _safe(out)


def review_items(queue) -> SafeString:
    """The ``<li>`` of the review queue (``boards.QueueRow``), each opening its verification."""
    return _linked_items(
        "execution:report_detail",
        queue,
        lambda r: _code_title(r.target),
        fragment="#verify",
        after=lambda r: f" · {escape(r.department.name)} · {_day(r.submitted_at)}",
    )


def quarterly_items(reports) -> SafeString:
    """The ``<li>`` of the quarterly reports to forward (``boards.QuarterlyRow``)."""
    return _linked_items(
        "execution:quarterly_detail",
        reports,
        lambda r: f"{escape(r.department.name)} {r.plan_year.year} Q{r.quarter}",
    )


def adjustment_items(adjustments) -> SafeString:
    """The ``<li>`` of the pending adjustment requests (``boards.AdjustmentRow``)."""
    return _linked_items(
        "execution:adjustment_detail",
        adjustments,
        lambda a: f"{escape(a.target.code)} {escape(a.get_kind_display())}",
        after=lambda a: f" · {escape(a.department.name)}",
    )


# --- the department home -----------------------------------------------------------------------


def todo_rows(rows) -> SafeString:
    """The ``<tr>`` of ``execution.selectors.progress.TodoRow`` rows: each opens its action (the
    report's edit form when returned, its page when started, else a new report for the period)."""
    edit = _link("execution:report_edit")
    detail = _link("execution:report_detail")
    create = _link("execution:report_create")
    label_target, label_period, label_due, label_state = (
        escape(_("目标")),
        escape(_("报告期")),
        escape(_("截止")),
        escape(_("状态")),
    )
    overdue_class = ' class="is-overdue"'
    late = format_html(' <span class="badge badge--returned">{}</span>', _("已逾期"))
    period_labels: dict = {}
    states = {None: escape(_("未填报"))}
    names: dict = {}  # a target is on several rows (one per period owed)
    out = []
    for row in rows:
        if row.report_state == ProgressReport.State.RETURNED:
            href = edit(row.report_id)
        elif row.report_id:
            href = detail(row.report_id)
        else:
            href = f"{create(row.target.pk)}?period={row.period.start.isoformat()}"
        period = period_labels.get(row.period)
        if period is None:
            period = period_labels[row.period] = escape(row.period.label)
        name = names.get(row.target.pk)
        if name is None:
            name = names[row.target.pk] = _code_title(row.target)
        state = states.get(row.report_state)
        if state is None:
            state = states[row.report_state] = escape(row.status_label)
        out.append(
            f"<tr{overdue_class if row.overdue else ''}>"
            f'<td data-label="{label_target}"><a href="{href}" data-todo-action>'
            f"{name}</a></td>"
            f'<td data-label="{label_period}">{period}</td>'
            f'<td data-label="{label_due}">{row.due_date.isoformat()}{late if row.overdue else ""}</td>'
            f'<td data-label="{label_state}">{state}</td></tr>'
        )
    return _safe(out)


def overdue_milestone_items(milestones) -> SafeString:
    """The ``<li>`` of the overdue node targets, each linking to its target's progress."""
    target = _link("targets:target_detail")
    due = escape(_("完成时限"))
    out = [
        f'<li data-overdue-milestone="{int(m.pk)}"><a href="{target(m.target_id)}#progress">'
        f"{_code_title(m.target)}</a> · Q{int(m.quarter)} · {due} "
        f"{m.due_date.isoformat()} "
        f'<span class="badge badge--returned">{escape(m.get_status_display())}</span></li>'
        for m in milestones
    ]
    return _safe(out)


def target_rows(targets) -> SafeString:
    """The ``<tr>`` of the department's executing targets with their warning level."""
    target = _link("targets:target_detail")
    label_target, label_level = escape(_("目标")), escape(_("预警"))
    badge = '<span class="badge badge--warning-{0}" data-warning-level="{0}">{1}</span>\n'
    levels = {
        "red": badge.format("red", escape(_("红色"))),
        "yellow": badge.format("yellow", escape(_("黄色"))),
        "green": badge.format("green", escape(_("绿色"))),
    }
    none = '<span class="muted">—</span>\n'
    out = [
        f'<tr><td data-label="{label_target}"><a href="{target(t.pk)}">'
        f"{_code_title(t)}</a></td>"
        f'<td data-label="{label_level}">{levels.get(t.warning_level, none)}</td></tr>'
        for t in targets
    ]
    return _safe(out)
