"""The rows of the targets table (list and review queue), written in Python (issue 20).

Rendered through the template language, 50 rows with their nested includes (state badge, each
later stage's column) were most of the list page's time under load; here a row is one
``format_html`` call. The markup is the one ``targets/partials/target_table.html`` had, and a
later stage's column renders through its ``render`` function (or, without one, its template).
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Target
from .services import plain_value


def _cell(column, target) -> str:
    if column.render is not None:
        return column.render(target)
    return render_to_string(column.template, {"target": target})


def target_rows_html(rows, *, selectable: bool, extra_columns) -> SafeString:
    """``<tr>`` for each ``(target, allowed actions)`` of ``rows``."""
    labels = [
        _("选择"),
        _("编号"),
        _("目标名称"),
        _("方面"),
        _("牵头部门"),
        _("类型"),
        _("状态"),
        _("权重"),
    ]
    city_tag = format_html('<span class="tag tag--city">{}</span>', _("总体目标"))
    key_tag = format_html('<span class="tag tag--key">{}</span>', _("重点工作"))
    kinds = {k: str(v) for k, v in Target.Kind.choices}
    states = {k: str(v) for k, v in Target.State.choices}
    out = []
    for target, allowed in rows:
        check = ""
        if selectable:
            box = (
                format_html(
                    '<input type="checkbox" name="ids" value="{}" aria-label="{}">',
                    target.pk,
                    _("选择 %(code)s") % {"code": target.code},
                )
                if allowed
                else ""
            )
            check = format_html('<td class="col-check" data-label="{}">{}</td>', labels[0], box)
        department = target.lead_department
        extra = format_html_join(
            "",
            '<td data-label="{}">{}</td>',
            ((column.label, mark_safe(_cell(column, target))) for column in extra_columns),  # noqa: S308 — rendered HTML
        )
        weight = "" if target.weight is None else plain_value(target.weight)
        out.append(
            format_html(
                "<tr>{}"
                '<td data-label="{}" class="nowrap">{}</td>'
                '<td data-label="{}" class="col-title"><a href="{}">{}</a>{}{}</td>'
                '<td data-label="{}">{}</td>'
                '<td data-label="{}">{}</td>'
                '<td data-label="{}">{}</td>'
                '<td data-label="{}"><span class="badge badge--{}">{}</span></td>'
                "{}"
                '<td data-label="{}" class="num">{}</td>'
                "</tr>\n",
                check,
                labels[1],
                target.code,
                labels[2],
                reverse("targets:target_detail", args=[target.pk]),
                target.title,
                city_tag if target.level == Target.Level.CITY else "",
                key_tag if target.is_key_work else "",
                labels[3],
                target.aspect.name,
                labels[4],
                department.short_name or department.name,
                labels[5],
                kinds.get(target.kind, target.kind),
                labels[6],
                target.state,
                states.get(target.state, target.state),
                extra,
                labels[7],
                weight,
            )
        )
    return mark_safe("".join(out))  # noqa: S308 — every part above is escaped
