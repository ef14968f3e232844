"""The three home pages (Shanghai Art. 17): read-only, thin — a selector builds the figures, the
template shows them (charts with Apache ECharts from our static files, and the same numbers in a
table under each chart). Who may see which board is the selectors' question
(``dashboards.permissions``): whoever may not gets the 404 page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from targets.models import Target
from workflow.pagecache import cached_page

from . import rows, selectors

ORDER = list(Target.State.values)


@login_required
@cached_page
def leader_dashboard(request):
    """领导驾驶舱: a leader's portfolio (the mayor and executive vice-mayor: the whole city, with a
    portfolio filter); auditors and the offices may read it too. Others: 404."""
    quarter = selectors.int_param(request.GET.get("quarter"))
    board = selectors.leader_dashboard(
        request.user,
        plan_year=selectors.plan_year_asked(request.GET.get("year")),
        quarter=quarter if quarter in (1, 2, 3, 4) else None,
        leader_id=selectors.int_param(request.GET.get("leader")),
    )
    chart = {
        "departments": [d.name for d in board.departments],
        "completion": [d.completion for d in board.departments],
        "red": [d.red for d in board.departments],
        "yellow": [d.yellow for d in board.departments],
        "green": [d.green for d in board.departments],
        "trend_quarters": [f"Q{t['quarter']}" for t in board.trend],
        "trend_red": [t["red"] for t in board.trend],
        "trend_yellow": [t["yellow"] for t in board.trend],
        "trend_green": [t["green"] for t in board.trend],
    }
    lists = {
        "departments": rows.department_rows(board.departments),
        "red": rows.red_rows(board.red_list),
        "overdue": rows.not_reported_items(board.overdue_list),
    }
    return render(
        request,
        "dashboards/leader.html",
        {"board": board, "chart": chart, "quarters": (1, 2, 3, 4), "lists": lists},
    )


@login_required
@cached_page
def office_overview(request):
    """目标办总览: the whole year at a glance."""
    overview = selectors.office_overview(
        request.user, plan_year=selectors.plan_year_asked(request.GET.get("year"))
    )
    chart = {
        "aspects": [a["aspect"] for a in overview.per_aspect],
        "red": [a["red"] for a in overview.per_aspect],
        "yellow": [a["yellow"] for a in overview.per_aspect],
        "green": [a["green"] for a in overview.per_aspect],
    }
    states = [
        (Target.State(state).label, n)
        for state, n in sorted(overview.by_state.items(), key=lambda kv: ORDER.index(kv[0]))
    ]
    lists = {
        "review": rows.review_items(overview.review_queue),
        "quarterly": rows.quarterly_items(overview.quarterly_to_forward),
        "adjustments": rows.adjustment_items(overview.adjustments),
    }
    return render(
        request,
        "dashboards/office.html",
        {"o": overview, "chart": chart, "states": states, "lists": lists},
    )


@login_required
def completion_rate(request):
    """The completion-rate view (issue 7 item 4): the same selector as the overview's table."""
    completion = selectors.completion_rate(
        request.user, plan_year=selectors.plan_year_asked(request.GET.get("year"))
    )
    return render(request, "dashboards/completion.html", {"completion": completion})


@login_required
@cached_page
def department_home(request):
    """部门工作台: what the department owes now, and its targets' warning levels. Its three
    long lists are written in Python (``dashboards.rows``, issue 20)."""
    home = selectors.department_home(request.user)
    return render(
        request,
        "dashboards/department.html",
        {
            "home": home,
            "todo_rows": rows.todo_rows(home.todo),
            "milestone_items": rows.overdue_milestone_items(home.overdue_milestones),
            "target_rows": rows.target_rows(home.targets),
        },
    )
