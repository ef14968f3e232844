"""The leader dashboard's and the office overview's long lists written in Python (issue 20), as
``targets/rows.py`` does for the targets table: the departments' table, the red list and the
targets not reported (leader), the completion table (the overview and the completion-rate
page, ``{% completion_rows %}``), the review queue, the quarterly reports to forward and the
pending adjustments (overview).

Through the template language their rows (up to 100 a list, 80 departments; a ``{% url %}``, a
date filter and a dozen lookups each) were most of the pages' own template time. The markup is
byte for byte what the templates wrote: values escaped, the templates' translated literals not
(Django does not escape them either); a link is reversed once per list, not once per row.
"""

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from workflow.speed import url_for_each

_link = url_for_each


def _day(moment) -> str:
    """``{{ moment|date:"Y-m-d" }}``: the local day of a time, empty without one."""
    return localtime(moment).strftime("%Y-%m-%d") if moment else ""


def _safe(html: list[str]) -> SafeString:
    return mark_safe("".join(html))  # noqa: S308 — every value in these rows is escaped


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
            f"{escape(s.target.code)} {escape(s.target.title)}</a></td>"
            f'<td data-label="{label_department}">{escape(s.target.lead_department.name)}</td>'
            f'<td data-label="{label_reason}">{escape(s.reason or "—")}</td></tr>'
            for s in red_list
        ]
    )


def not_reported_items(targets) -> SafeString:
    """The ``<li>`` of the targets whose progress report is overdue (``boards.TargetRef``)."""
    target = _link("targets:target_detail")
    return _safe(
        [
            f'<li><a href="{target(t.pk)}">{escape(t.code)} {escape(t.title)}</a>'
            f"（{escape(t.lead_department.name)}）</li>"
            for t in targets
        ]
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
    report = _link("execution:report_detail")
    return _safe(
        [
            f'<li><a href="{report(r.pk)}#verify">{escape(r.target.code)} '
            f"{escape(r.target.title)}</a> · {escape(r.department.name)} · "
            f"{_day(r.submitted_at)}</li>"
            for r in queue
        ]
    )


def quarterly_items(reports) -> SafeString:
    """The ``<li>`` of the quarterly reports to forward (``boards.QuarterlyRow``)."""
    report = _link("execution:quarterly_detail")
    return _safe(
        [
            f'<li><a href="{report(r.pk)}">{escape(r.department.name)} {r.plan_year.year} '
            f"Q{r.quarter}</a></li>"
            for r in reports
        ]
    )


def adjustment_items(adjustments) -> SafeString:
    """The ``<li>`` of the pending adjustment requests (``boards.AdjustmentRow``)."""
    adjustment = _link("execution:adjustment_detail")
    return _safe(
        [
            f'<li><a href="{adjustment(a.pk)}">{escape(a.target.code)} '
            f"{escape(a.get_kind_display())}</a> · {escape(a.department.name)}</li>"
            for a in adjustments
        ]
    )
