"""The department home's long lists written in Python (issue 20), as ``targets/rows.py`` does
for the targets table: the to-do rows, the overdue node targets and the department's targets.

Through the template language their ~125 rows (a ``{% url %}`` and a date filter or an include
each) were most of the page's template time. The markup is byte for byte what
``dashboards/department.html`` and its level include (``_levels.html``, now gone) wrote; a link
is reversed once per list, not once per row.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from execution.models import ProgressReport
from workflow.speed import url_for_each

_link = url_for_each


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
            name = names[row.target.pk] = f"{escape(row.target.code)} {escape(row.target.title)}"
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
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped


def overdue_milestone_items(milestones) -> SafeString:
    """The ``<li>`` of the overdue node targets, each linking to its target's progress."""
    target = _link("targets:target_detail")
    due = escape(_("完成时限"))
    out = [
        f'<li data-overdue-milestone="{int(m.pk)}"><a href="{target(m.target_id)}#progress">'
        f"{escape(m.target.code)} {escape(m.target.title)}</a> · Q{int(m.quarter)} · {due} "
        f"{m.due_date.isoformat()} "
        f'<span class="badge badge--returned">{escape(m.get_status_display())}</span></li>'
        for m in milestones
    ]
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped


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
        f"{escape(t.code)} {escape(t.title)}</a></td>"
        f'<td data-label="{label_level}">{levels.get(t.warning_level, none)}</td></tr>'
        for t in targets
    ]
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped
