"""Benchmark: the dashboards and the target list at city scale (issue 6, speed).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mubiao .venv/bin/python -m benchmarks.dashboards

Creates a throw-away test database (``test_<name>``) beside the one DATABASE_URL names, fills it
with ``seed_city`` (defaults: 80 departments, 5 years of 2,000 targets = 10,000 targets, 8 node
targets and 12 progress reports each; smaller with BENCH_DEPARTMENTS, BENCH_YEARS,
BENCH_TARGETS), then for the vice-mayor dashboard, the general office overview, the department
home and the target list prints: the SQL queries of one request, the median server time over
BENCH_RUNS (default 30, at least 20) requests through Django's test client, the median of the raw SQL aggregate
that returns the same numbers, and the ratios (also for the selector alone: the ORM figures
without HTTP, session and template). Goals: a fixed number of queries, dashboard ≤ 3×
raw SQL, median ≤ 150 ms on the 10,000-target dataset. Drops the database at the end.
"""

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

DEPARTMENTS = int(os.environ.get("BENCH_DEPARTMENTS", "80"))
YEARS = int(os.environ.get("BENCH_YEARS", "5"))
TARGETS = int(os.environ.get("BENCH_TARGETS", "2000"))
RUNS = max(20, int(os.environ.get("BENCH_RUNS", "30")))

# The latest period with computed warnings between two of the parameters below.
_LATEST_PERIOD = """(SELECT s.period_start FROM execution_warningsnapshot s
    JOIN targets_target t ON t.id = s.target_id
    WHERE t.plan_year_id = %%(year)s AND s.period_start BETWEEN %%(%s)s AND %%(%s)s
    ORDER BY s.period_start DESC LIMIT 1)"""

# The raw SQL that returns each page's numbers and lists (the same figures, no ORM, no
# template): everything the page shows, so that the ratio measures what the ORM, the view and
# the template add — not rows the baseline skipped.
RAW = {
    "leader": [
        # the reader's portfolio
        "SELECT department_id FROM accounts_leaderportfolio WHERE leader_id = %(user)s",
        # the chosen quarter's as-of period and the last computed period of each quarter
        "SELECT "
        + ", ".join(
            _LATEST_PERIOD % bounds
            for bounds in (
                ("q_start", "q_end"),
                ("y_start", "q1_end"),
                ("q2_start", "q2_end"),
                ("q3_start", "q3_end"),
                ("q4_start", "today"),
            )
        ),
        # targets per department of the portfolio, with the department's name
        """SELECT t.lead_department_id, d.name, count(*) FROM targets_target t
           JOIN accounts_leaderportfolio lp ON lp.department_id = t.lead_department_id
           JOIN accounts_department d ON d.id = t.lead_department_id
           WHERE t.plan_year_id = %(year)s AND t.state = 'executing' AND lp.leader_id = %(user)s
           GROUP BY 1, 2""",
        # levels per department at the quarter's last computed period
        """SELECT t.lead_department_id, s.level, count(*) FROM execution_warningsnapshot s
           JOIN targets_target t ON t.id = s.target_id
           JOIN accounts_leaderportfolio lp ON lp.department_id = t.lead_department_id
           WHERE t.plan_year_id = %(year)s AND t.state = 'executing' AND lp.leader_id = %(user)s
             AND s.period_start = %(as_of)s GROUP BY 1, 2""",
        # node targets of the quarter per department
        """SELECT t.lead_department_id, count(*), count(*) FILTER (WHERE m.status = 'achieved')
           FROM targets_milestone m JOIN targets_target t ON t.id = m.target_id
           JOIN accounts_leaderportfolio lp ON lp.department_id = t.lead_department_id
           WHERE t.plan_year_id = %(year)s AND t.state = 'executing' AND lp.leader_id = %(user)s
             AND m.quarter = %(quarter)s GROUP BY 1""",
        # trend
        """SELECT s.period_start, s.level, count(*) FROM execution_warningsnapshot s
           JOIN targets_target t ON t.id = s.target_id
           JOIN accounts_leaderportfolio lp ON lp.department_id = t.lead_department_id
           WHERE t.plan_year_id = %(year)s AND t.state = 'executing' AND lp.leader_id = %(user)s
             AND s.period_start IN %(quarter_ends)s GROUP BY 1, 2""",
        # red list
        """SELECT t.id, t.code, t.title, d.name, s.reason FROM execution_warningsnapshot s
           JOIN targets_target t ON t.id = s.target_id
           JOIN accounts_department d ON d.id = t.lead_department_id
           JOIN accounts_leaderportfolio lp ON lp.department_id = t.lead_department_id
           WHERE t.plan_year_id = %(year)s AND t.state = 'executing' AND lp.leader_id = %(user)s
             AND s.period_start = %(as_of)s AND s.level = 'red' ORDER BY t.code LIMIT 100""",
        # overdue list
        """SELECT t.id, t.code, t.title, d.name FROM targets_target t
           JOIN accounts_department d ON d.id = t.lead_department_id
           JOIN accounts_leaderportfolio lp ON lp.department_id = t.lead_department_id
           WHERE t.plan_year_id = %(year)s AND t.state = 'executing' AND lp.leader_id = %(user)s
             AND NOT EXISTS (SELECT 1 FROM execution_progressreport r WHERE r.target_id = t.id
               AND r.department_id = t.lead_department_id AND r.period_start = %(period)s
               AND r.state IN ('submitted', 'verified'))
           ORDER BY t.code LIMIT 100""",
        # quarterly reports forwarded to the leader, unread
        """SELECT q.id, q.quarter, q.forwarded_at, d.name FROM execution_quarterlyreport q
           JOIN accounts_department d ON d.id = q.department_id
           JOIN accounts_leaderportfolio lp ON lp.department_id = q.department_id
           WHERE q.state = 'forwarded' AND lp.leader_id = %(user)s
           ORDER BY q.forwarded_at, d.sort_order LIMIT 100""",
        # coordination items escalated to the leader
        """SELECT c.id, c.subject, c.due_date, d.name FROM execution_coordinationitem c
           JOIN accounts_department d ON d.id = c.raising_department_id
           WHERE c.state = 'escalated' AND c.leader_id = %(user)s
           ORDER BY c.due_date, c.id LIMIT 100""",
    ],
    "office": [
        "SELECT state, count(*) FROM targets_target WHERE plan_year_id = %(year)s GROUP BY 1",
        # the latest period with computed warnings
        """SELECT s.period_start FROM execution_warningsnapshot s
           JOIN targets_target t ON t.id = s.target_id
           WHERE t.plan_year_id = %(year)s AND s.period_start BETWEEN %(y_start)s AND %(today)s
           ORDER BY s.period_start DESC LIMIT 1""",
        """SELECT a.number, a.name, s.level, count(*) FROM execution_warningsnapshot s
           JOIN targets_target t ON t.id = s.target_id JOIN targets_aspect a ON a.id = t.aspect_id
           WHERE t.plan_year_id = %(year)s AND t.state = 'executing'
             AND s.period_start = %(latest)s GROUP BY 1, 2, 3""",
        # reports expected this period: lead and cooperating, per department, with its name
        """SELECT t.lead_department_id, d.name, count(*) FROM targets_target t
           JOIN accounts_department d ON d.id = t.lead_department_id
           WHERE t.plan_year_id = %(year)s AND t.state = 'executing' GROUP BY 1, 2""",
        """SELECT td.department_id, count(*) FROM targets_targetdepartment td
           JOIN targets_target t ON t.id = td.target_id
           WHERE t.plan_year_id = %(year)s AND t.state = 'executing'
             AND td.role = 'cooperating' GROUP BY 1""",
        """SELECT r.department_id, count(*) FILTER (WHERE NOT r.is_late),
                  count(*) FILTER (WHERE r.is_late)
           FROM execution_progressreport r JOIN targets_target t ON t.id = r.target_id
           WHERE t.plan_year_id = %(year)s AND t.state = 'executing'
             AND r.period_start = %(period)s AND r.state IN ('submitted', 'verified')
           GROUP BY 1""",
        """SELECT count(*) FROM execution_progressreport r JOIN targets_target t
           ON t.id = r.target_id WHERE t.plan_year_id = %(year)s AND r.state = 'submitted'""",
        # the review queue's first rows
        """SELECT r.id, r.period_start, r.submitted_at, t.code, t.title, d.name
           FROM execution_progressreport r JOIN targets_target t ON t.id = r.target_id
           JOIN accounts_department d ON d.id = r.department_id
           WHERE t.plan_year_id = %(year)s AND r.state = 'submitted'
           ORDER BY r.submitted_at, r.id LIMIT 20""",
        # open adjustment requests: count and first rows
        """SELECT count(*) FROM execution_adjustmentrequest a JOIN targets_target t
           ON t.id = a.target_id WHERE t.plan_year_id = %(year)s AND a.state = 'pending'""",
        """SELECT a.id, a.kind, a.requested_at, t.code, t.title, d.name
           FROM execution_adjustmentrequest a JOIN targets_target t ON t.id = a.target_id
           JOIN accounts_department d ON d.id = a.department_id
           WHERE t.plan_year_id = %(year)s AND a.state = 'pending'
           ORDER BY a.requested_at, a.id LIMIT 20""",
        # completion reports awaiting the office
        """SELECT count(*) FROM execution_completionreport c JOIN targets_target t
           ON t.id = c.target_id WHERE t.plan_year_id = %(year)s AND c.state = 'submitted'""",
        # quarterly reports to forward
        """SELECT q.id, q.quarter, q.submitted_at, d.name FROM execution_quarterlyreport q
           JOIN accounts_department d ON d.id = q.department_id
           WHERE q.plan_year_id = %(year)s AND q.state = 'submitted'
           ORDER BY q.submitted_at, q.id LIMIT 100""",
    ],
    "department": [
        """SELECT t.id, t.code, (SELECT s.level FROM execution_warningsnapshot s
             WHERE s.target_id = t.id ORDER BY s.period_start DESC LIMIT 1)
           FROM targets_target t WHERE t.lead_department_id = %(dept)s
             AND t.state = 'executing' ORDER BY t.code""",
        # reports owed: the department's targets (lead or cooperating) and its reports on them
        """SELECT td.target_id FROM targets_targetdepartment td
           JOIN targets_target t ON t.id = td.target_id
           WHERE td.department_id = %(dept)s AND td.role = 'cooperating'
             AND t.state = 'executing'""",
        """SELECT r.target_id, r.period_start, r.state FROM execution_progressreport r
           JOIN targets_target t ON t.id = r.target_id
           WHERE r.department_id = %(dept)s AND t.state = 'executing'""",
        # red streaks already explained
        """SELECT e.target_id, e.red_since FROM execution_warningexplanation e
           JOIN targets_target t ON t.id = e.target_id WHERE t.lead_department_id = %(dept)s""",
        # returned reports and returned targets
        """SELECT r.id, r.due_date, t.code, t.title FROM execution_progressreport r
           JOIN targets_target t ON t.id = r.target_id
           WHERE r.department_id = %(dept)s AND r.state = 'returned' ORDER BY r.due_date, r.id""",
        """SELECT id, code, title FROM targets_target
           WHERE lead_department_id = %(dept)s AND state = 'returned' ORDER BY code""",
        # coordination duties still open
        """SELECT cd.id, cd.due_date, c.subject, t.code FROM execution_coordinationduty cd
           JOIN execution_coordinationitem c ON c.id = cd.item_id
           JOIN targets_target t ON t.id = c.target_id
           WHERE cd.department_id = %(dept)s AND c.state <> 'resolved'
           ORDER BY cd.due_date, cd.id""",
        # leaders' instructions to answer, quarterly drafts
        """SELECT i.id, i.body, i.created_at, u.display_name FROM execution_quarterlyinstruction i
           JOIN execution_quarterlyreport q ON q.id = i.report_id
           JOIN accounts_user u ON u.id = i.author_id
           WHERE q.department_id = %(dept)s AND i.answer = '' ORDER BY i.created_at, i.id""",
        """SELECT q.id, q.quarter FROM execution_quarterlyreport q
           WHERE q.department_id = %(dept)s AND q.state = 'draft' ORDER BY q.quarter""",
        # supervision orders awaiting our answer, findings awaiting our rectification
        """SELECT o.id, o.code, o.title, o.deadline FROM supervision_supervisionorder o
           WHERE o.state IN ('issued', 'reopened') AND EXISTS (
             SELECT 1 FROM supervision_orderaddressee a WHERE a.order_id = o.id
               AND a.department_id = %(dept)s AND NOT a.answered)
           ORDER BY o.deadline, o.id LIMIT 100""",
        """SELECT f.id, f.code, f.title, f.deadline FROM supervision_finding f
           WHERE f.responsible_department_id = %(dept)s
             AND f.state IN ('open', 'plan_filed', 'rejected')
           ORDER BY f.deadline, f.id LIMIT 100""",
    ],
    "target list": [
        "SELECT count(*) FROM targets_target WHERE plan_year_id = %(year)s",
        """SELECT t.id, t.code, t.title, (SELECT s.level FROM execution_warningsnapshot s
             WHERE s.target_id = t.id ORDER BY s.period_start DESC LIMIT 1)
           FROM targets_target t WHERE t.plan_year_id = %(year)s
           ORDER BY t.aspect_id, t.code LIMIT 50""",
    ],
}


def medians_ms(*fns, runs=RUNS):
    """The median milliseconds of each of ``fns``, run in turn ``runs`` times: interleaved, so
    that on a shared machine a burst of other work slows all of them alike instead of
    whichever happened to be measured at that moment."""
    for fn in fns:
        fn()  # warm up
    times = [[] for _ in fns]
    for _ in range(runs):
        for fn, bucket in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            bucket.append((time.perf_counter() - start) * 1000)
    return [statistics.median(bucket) for bucket in times]


def main():
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; the README's figures are for PostgreSQL", file=sys.stderr)
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from accounts.models import User
        from dashboards.selectors import as_of_period
        from execution import clock, periods
        from execution.selectors.completion_rate import reporting_period
        from targets.models import PlanYear

        start = time.perf_counter()
        call_command(
            "seed_city",
            departments=DEPARTMENTS,
            years=YEARS,
            targets_per_year=TARGETS,
            stdout=sys.stdout,
        )
        print(f"(built in {time.perf_counter() - start:.0f} s)")
        connection.cursor().execute("ANALYZE")
        year = PlanYear.objects.get(status=PlanYear.Status.EXECUTING)
        today = year.quarter_bounds(4)[0].replace(month=11, day=23)
        with clock.frozen(today):
            period = reporting_period(year, today)
            quarter = period.quarter
            q_start, q_end = year.quarter_bounds(quarter)
            params = {
                "year": year.pk,
                "user": User.objects.get(username="cs-vm0").pk,
                "dept": User.objects.get(username="cs-d0_staff").memberships.get().department_id,
                "quarter": quarter,
                "period": period.start,
                "as_of": as_of_period(year, q_start, q_end),
                "latest": as_of_period(year, year.quarter_bounds(1)[0], today),
                "today": today,
                "q_start": q_start,
                "q_end": q_end,
                "y_start": year.quarter_bounds(1)[0],
                "q1_end": year.quarter_bounds(1)[1],
                "q2_start": year.quarter_bounds(2)[0],
                "q2_end": year.quarter_bounds(2)[1],
                "q3_start": year.quarter_bounds(3)[0],
                "q3_end": year.quarter_bounds(3)[1],
                "q4_start": year.quarter_bounds(4)[0],
                "quarter_ends": tuple(
                    p.start for p in periods.periods_of(year) if p.ends_quarter and p.start <= today
                ),
            }
            pages = [
                ("leader", "cs-vm0", "/dashboard/"),
                ("office", "cs-office", "/dashboard/office/"),
                ("department", "cs-d0_staff", "/dashboard/department/"),
                ("target list", "cs-office", f"/targets/?year={year.year}"),
            ]
            from dashboards import selectors as dash
            from execution.selectors.progress import annotate_warning_level
            from targets.selectors import target_list

            # Read once: the selector's figure is the selector's queries alone (the page's
            # include the session's and the user's).
            readers = {u.username: u for u in User.objects.filter(username__startswith="cs-")}

            def user(name):
                return readers[name]

            figures = {
                "leader": lambda: dash.leader_dashboard(user("cs-vm0"), plan_year=year),
                "office": lambda: dash.office_overview(user("cs-office"), plan_year=year),
                "department": lambda: dash.department_home(user("cs-d0_staff")),
                "target list": lambda: (
                    target_list(user("cs-office"), plan_year=year).count(),
                    list(
                        annotate_warning_level(target_list(user("cs-office"), plan_year=year))[:50]
                    ),
                ),
            }
            print(
                f"{'page':<12} {'queries':>7} {'median ms':>10} {'selector ms':>12} "
                f"{'raw SQL ms':>11} {'page/raw':>9} {'selector/raw':>13}   ({RUNS} runs each)"
            )
            for label, username, url in pages:
                client = Client()
                client.force_login(User.objects.get(username=username))

                def get(client=client, url=url):
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)

                get()
                with CaptureQueriesContext(connection) as ctx:
                    get()
                # Counted now: the connection keeps only the last 9,000 queries, so the
                # captured slice is gone once the timed runs have gone past it.
                queries = len(ctx.captured_queries)

                def raw(label=label):
                    with connection.cursor() as cursor:
                        for sql in RAW[label]:
                            cursor.execute(sql, params)
                            cursor.fetchall()

                page_ms, selector_ms, raw_ms = medians_ms(get, figures[label], raw)
                print(
                    f"{label:<12} {queries:>7} {page_ms:>10.1f} "
                    f"{selector_ms:>12.1f} {raw_ms:>11.1f} {page_ms / raw_ms:>9.1f} "
                    f"{selector_ms / raw_ms:>13.1f}"
                )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
