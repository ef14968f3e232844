"""The rows of the targets table (list and review queue), written in Python (issue 20).

Rendered through the template language, 50 rows with their nested includes (state badge, each
later stage's column) were most of the list page's time under load; here a row is one
``str.format`` call. The markup is the one ``targets/partials/target_table.html`` had, and a
later stage's column renders through its ``render`` function (or, without one, its template).

What is the same on every row (the cells' labels, the tags, the choices' names, the detail
link around the id) is translated and escaped once per table, not once per row: ``format_html``
on twenty arguments a row, a ``reverse`` and the lazy labels were most of the rows' time. Each
value read from the row is escaped exactly as ``format_html`` escapes it (``html.escape``).
"""

from html import escape

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from workflow.speed import url_for_each

from .models import Target
from .services import plain_value

# What a row reads of a target (besides the columns' annotations): the list and the review
# queue fetch only these (``narrow``), so a row is not built from every text column of the
# target and its plan year and parent. The permissions of the bulk transitions read the state,
# level and lead department (``targets.permissions``).
ROW_FIELDS = (
    "id",
    "code",
    "title",
    "level",
    "is_key_work",
    "kind",
    "state",
    "weight",
    "aspect",
    "aspect__name",
    "lead_department",
    "lead_department__name",
    "lead_department__short_name",
)

_ROW = (
    "<tr>{check}"
    '<td data-label="{l_code}" class="nowrap">{code}</td>'
    '<td data-label="{l_title}" class="col-title"><a href="{url}">{title}</a>{city}{key}</td>'
    '<td data-label="{l_aspect}">{aspect}</td>'
    '<td data-label="{l_department}">{department}</td>'
    '<td data-label="{l_kind}">{kind}</td>'
    '<td data-label="{l_state}"><span class="badge badge--{state}">{state_label}</span></td>'
    "{extra}"
    '<td data-label="{l_weight}" class="num">{weight}</td>'
    "</tr>\n"
)


def narrow(qs):
    """``qs`` reading only what the rows show (``ROW_FIELDS``)."""
    return qs.select_related(None).select_related("aspect", "lead_department").only(*ROW_FIELDS)


def _cell(column, target) -> str:
    if column.render is not None:
        return column.render(target)
    return render_to_string(column.template, {"target": target})


def _detail_url():
    return url_for_each("targets:target_detail")


def target_rows_html(rows, *, selectable: bool, extra_columns) -> SafeString:
    """``<tr>`` for each ``(target, allowed actions)`` of ``rows``."""
    if not rows:
        return mark_safe("")
    fixed = {
        "l_code": escape(_("编号")),
        "l_title": escape(_("目标名称")),
        "l_aspect": escape(_("方面")),
        "l_department": escape(_("牵头部门")),
        "l_kind": escape(_("类型")),
        "l_state": escape(_("状态")),
        "l_weight": escape(_("权重")),
    }
    check_label = escape(_("选择"))
    choose = _("选择 %(code)s")
    city_tag = format_html('<span class="tag tag--city">{}</span>', _("总体目标"))
    key_tag = format_html('<span class="tag tag--key">{}</span>', _("重点工作"))
    kinds = {k: escape(str(v)) for k, v in Target.Kind.choices}
    states = {k: escape(str(v)) for k, v in Target.State.choices}
    columns = [(escape(str(column.label)), column) for column in extra_columns]
    detail_url = _detail_url()
    out = []
    for target, allowed in rows:
        check = ""
        if selectable:
            box = (
                f'<input type="checkbox" name="ids" value="{escape(str(target.pk))}" '
                f'aria-label="{escape(choose % {"code": target.code})}">'
                if allowed
                else ""
            )
            check = f'<td class="col-check" data-label="{check_label}">{box}</td>'
        department = target.lead_department
        kind = target.kind
        state = target.state
        out.append(
            _ROW.format(
                check=check,
                code=escape(str(target.code)),
                url=detail_url(target.pk),
                title=escape(str(target.title)),
                city=city_tag if target.level == Target.Level.CITY else "",
                key=key_tag if target.is_key_work else "",
                aspect=escape(str(target.aspect.name)),
                department=escape(str(department.short_name or department.name)),
                kind=kinds[kind] if kind in kinds else escape(str(kind)),
                state=escape(str(state)),
                state_label=states[state] if state in states else escape(str(state)),
                extra="".join(
                    f'<td data-label="{label}">{_cell(column, target)}</td>'
                    for label, column in columns
                ),
                weight="" if target.weight is None else escape(str(plain_value(target.weight))),
                **fixed,
            )
        )
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped
