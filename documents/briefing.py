"""The vice-mayor's quarterly briefing (issue 19 item 10; Shanghai Art. 17: 每季度向分管副市长
报告): one A4 page for the portfolio — the headline figures, the departments as a bar chart drawn
as vector graphics (SVG, laid out by WeasyPrint), the quarterly reports awaiting reading and the
red list with its reasons.

Every figure is the leader dashboard's own (``dashboards.selectors.leader_dashboard``: the same
as-of snapshot, the same portfolio rule): the briefing is what the dashboard shows, on paper."""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from dashboards import permissions as dashboard_permissions
from dashboards import selectors as dashboard_selectors
from targets.models import PlanYear

from .pdf import Progress, Rendered, _common, quarter_name, render_pdf

# What fits on one A4 page beside the headline and the chart; the rest is on the dashboard.
CHART_DEPARTMENTS = 12
RED_ROWS = 8
REPORT_ROWS = 5
# The chart's drawing units (SVG user units, scaled to the page's 170 mm width).
CHART_WIDTH = 680
LABEL_WIDTH = 150
PERCENT_WIDTH = 70
ROW_HEIGHT = 20
BAR_HEIGHT = 13
TOP = 24


@dataclass
class Bar:
    name: str
    y: int
    segments: list  # (level, x, width, count)
    completion: int
    achieved: int
    due: int


def chart_bars(departments) -> tuple[list[Bar], int]:
    """The departments' stacked red / yellow / green bars, scaled to the largest department;
    returns the bars and the chart's height."""
    shown = departments[:CHART_DEPARTMENTS]
    widest = max((d.red + d.yellow + d.green for d in shown), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - PERCENT_WIDTH
    bars = []
    for i, d in enumerate(shown):
        x, segments = LABEL_WIDTH, []
        for level in ("red", "yellow", "green"):
            count = getattr(d, level)
            if count:
                width = round(span * count / widest, 1)
                segments.append((level, x, width, count))
                x += width
        bars.append(
            Bar(
                name=d.name,
                y=TOP + i * ROW_HEIGHT,
                segments=segments,
                completion=d.completion,
                achieved=d.milestones_achieved,
                due=d.milestones_due,
            )
        )
    return bars, TOP + len(bars) * ROW_HEIGHT + 6


def scope_label(board) -> str:
    if not board.city_wide:
        return _("分管部门")
    if board.chosen_leader:
        names = dict(board.portfolios)
        return _("%(leader)s分管部门") % {"leader": names.get(board.chosen_leader, "")}
    return _("全市")


def leader_briefing(
    *,
    user,
    year: int,
    quarter: int | None = None,
    leader: int | None = None,
    progress: Progress | None = None,
) -> Rendered:
    plan_year = PlanYear.objects.filter(year=year).first()
    if plan_year is None or not dashboard_permissions.may_see_leader_dashboard(user):
        raise Http404
    board = dashboard_selectors.leader_dashboard(
        user, plan_year=plan_year, quarter=quarter, leader_id=leader
    )
    if progress:
        progress(20)
    totals = board.totals
    due = sum(d.milestones_due for d in board.departments)
    achieved = sum(d.milestones_achieved for d in board.departments)
    bars, chart_height = chart_bars(board.departments)
    title = _("%(year)s年第%(quarter)s季度目标执行简报") % {
        "year": plan_year.year,
        "quarter": quarter_name(board.quarter),
    }
    context = _common(user, title)
    context.update(
        subtitle=scope_label(board),
        board=board,
        totals=totals,
        completion=round(100 * achieved / due) if due else None,
        milestones_due=due,
        milestones_achieved=achieved,
        milestones_overdue=sum(d.milestones_overdue for d in board.departments),
        bars=bars,
        more_departments=max(len(board.departments) - CHART_DEPARTMENTS, 0),
        chart={
            "width": CHART_WIDTH,
            "height": chart_height,
            "label_x": LABEL_WIDTH - 6,
            "percent_x": CHART_WIDTH - 4,
            "bar_height": BAR_HEIGHT,
            "text_dy": BAR_HEIGHT - 3,
        },
        red_rows=board.red_list[:RED_ROWS],
        more_red=max(len(board.red_list) - RED_ROWS, 0),
        reports=board.reports_to_read[:REPORT_ROWS],
        more_reports=max(len(board.reports_to_read) - REPORT_ROWS, 0),
    )
    content, pages = render_pdf("documents/pdf/briefing.html", context, progress=progress)
    return Rendered(
        content,
        pages,
        f"{plan_year.year}-Q{board.quarter}-季度简报.pdf",
        [],
        {
            "department_ids": sorted(d.department_id for d in board.departments),
            "quarter": board.quarter,
        },
    )


def briefing_readable(user, params: dict, department_ids=()) -> bool:
    """Whether ``user`` may have the briefing now: the dashboard's own rule (a city leader or
    a reader of every record), and every department it shows still in the reader's scope (a
    vice-mayor who no longer holds a portfolio department may not download its figures)."""
    if not dashboard_permissions.may_see_leader_dashboard(user):
        return False
    depts, _city_wide, _choices = dashboard_selectors.leader_departments(user, params.get("leader"))
    return depts is None or set(department_ids) <= set(depts)
