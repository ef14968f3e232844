"""Benchmark: throughput under concurrent load, each URL against /healthz (issue 20).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mubiao REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python -m benchmarks.throughput

Creates a throw-away database (``test_<name>``) beside the one DATABASE_URL names, fills it with
``seed_city`` (defaults: 80 departments, BENCH_YEARS=1 year of BENCH_TARGETS=2,000 targets; the
city-scale run is BENCH_YEARS=5, 10,000 targets), starts gunicorn (BENCH_WORKERS=4 sync workers,
the production settings, DEBUG off, sessions and cache in Redis) on it, signs in the general
office, a department and a vice-mayor, then runs a closed loop of BENCH_CLIENTS=8 clients: each
sends a request, waits for the answer, sends the next. Every URL is loaded in turn for
BENCH_SECONDS (default 3) per round, over BENCH_ROUNDS (default 3) rounds, interleaved so that a
burst of other work on the shared machine slows every URL alike. Prints per URL: requests per
second, p50 and p95 latency, errors (any answer but 200) and the cost ratio to /healthz measured
in the same run (healthz req/s ÷ the URL's req/s; the goal is ≤ 2). Drops the database at the end.
The database, server and client loop are ``benchmarks.server``'s (shared with
``benchmarks.public``).

BENCH_ONLY=substring limits the URLs (``/healthz`` is always measured).

A deadline morning (BENCH_WRITE_EVERY=<seconds>, e.g. 1): while the URLs are loaded, this process
saves a report's draft every so many seconds (through the service, as a department's staff do:
the drafts of all 80 departments in turn), and the pages of departments and leaders are read by
BENCH_READERS (default 20) different users in turn — department staff of as many departments,
the eight vice-mayors — each with their own cached page. A save moves the generations of the
tables it writes (reports, audit) and, for the reports, of the departments it concerns: the
pages that read them build again on their reader's next visit. Without it: one reader per
URL and no writes (the pages' steady state between writes).
"""

import os
import statistics
import threading
import time
from contextlib import contextmanager

from benchmarks.server import (
    CLIENTS,
    ROUNDS,
    SECONDS,
    WORKERS,
    gunicorn,
    measure,
    percentile,
    seed_city,
    throwaway_database,
)

YEARS = int(os.environ.get("BENCH_YEARS", "1"))
TARGETS = int(os.environ.get("BENCH_TARGETS", "2000"))
ONLY = os.environ.get("BENCH_ONLY", "")
# Keep the seeded database for the next run (which then skips seeding): for profiling rounds.
KEEP = os.environ.get("BENCH_KEEP", "") not in ("", "0")
WRITE_EVERY = float(os.environ.get("BENCH_WRITE_EVERY", "0"))
READERS = int(os.environ.get("BENCH_READERS", "20" if WRITE_EVERY else "1"))


@contextmanager
def writing(every: float):
    """Save a report's draft every ``every`` seconds in a thread while the block runs, as a
    department does: through ``progress_report_update`` (the row locked, saved, audited; the
    generations move on commit), by a staff member of the reporting department, the drafts of
    all departments in turn. Yields a list whose length is the number of writes made."""
    from django.db import connection

    from execution.models import ProgressReport
    from execution.services import progress as services

    done: list[int] = []
    stop = threading.Event()
    drafts = list(
        ProgressReport.objects.filter(state=ProgressReport.State.DRAFT)
        .select_related("department")
        .order_by("pk")[:500]
    )
    staff = {
        r.department_id: r.department.memberships.filter(role="staff").first().user for r in drafts
    }

    def writer():
        try:
            while not stop.wait(every):
                pk = drafts[len(done) % len(drafts)].pk
                report = ProgressReport.objects.get(pk=pk)
                services.progress_report_update(
                    report=report,
                    by=staff[report.department_id],
                    # A draft as a department fills it in: the figures a valid report needs.
                    data=services.ReportInput(
                        narrative=report.narrative or "按计划推进",
                        actual_value=report.actual_value or 1,
                        percent_complete=report.percent_complete or 25,
                        problems=f"草稿第{len(done) + 1}次保存",
                        next_steps=report.next_steps,
                    ),
                )
                done.append(pk)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    if every:
        thread.start()
    try:
        yield done
    finally:
        stop.set()
        if every:
            thread.join()


def main():
    with throwaway_database("throughput", keep=KEEP) as name:
        from django.test import Client

        from accounts.models import User
        from targets.models import PlanYear, Target

        if PlanYear.objects.exists():
            print(f"reusing the seeded database {name} (BENCH_KEEP)")
        else:
            start = time.perf_counter()
            seed_city(years=YEARS, targets=TARGETS)
            print(f"(built in {time.perf_counter() - start:.0f} s)")
        year = PlanYear.objects.get(status=PlanYear.Status.EXECUTING).year
        department = User.objects.get(username="cs-d0_staff").memberships.get().department_id
        target = Target.objects.filter(plan_year__year=year, lead_department_id=department).first()

        # The sessions are written here through the same session engine and stores the server
        # reads (the database and Redis), as a sign-in would.
        cookies = {}
        staff = [f"cs-d{i}_staff" for i in range(READERS)]
        leaders = [f"cs-vm{i}" for i in range(min(READERS, 8))]
        for username in ("cs-office", *staff, *leaders):
            client = Client()
            client.force_login(User.objects.get(username=username))
            cookies[username] = f"sessionid={client.cookies['sessionid'].value}"

        server_env = {
            # A benchmark is not an abusive client.
            "API_USER_RATE": "1000000/hour",
            # Its sessions are signed in without a second factor (the policy is still checked on
            # every request, at the cost it has in production).
            "OTP_REQUIRED": "false",
        }
        with gunicorn(server_env) as port:
            office = cookies["cs-office"]
            dept = [cookies[u] for u in staff] if READERS > 1 else cookies["cs-d0_staff"]
            leader = [cookies[u] for u in leaders] if READERS > 1 else cookies["cs-vm0"]
            urls = [
                ("/healthz", "/healthz", ""),
                ("target list (office)", f"/targets/?year={year}", office),
                ("target list (department)", f"/targets/?year={year}", dept),
                ("target page", f"/targets/{target.pk}/", office),
                ("department home", "/dashboard/department/", dept),
                ("leader dashboard", "/dashboard/", leader),
                ("office overview", "/dashboard/office/", office),
                ("API target list", f"/api/v1/targets/?plan_year__year={year}", office),
                ("API progress reports", "/api/v1/progress-reports/", office),
            ]
            urls = [u for u in urls if u[0] == "/healthz" or ONLY in u[0]]
            with writing(WRITE_EVERY) as writes:
                results, rates = measure(port, urls)

        base = rates["/healthz"]
        print(
            f"\n{WORKERS} gunicorn workers, {CLIENTS} clients, {ROUNDS} rounds × {SECONDS:g} s "
            f"per URL, {YEARS} year(s) × {TARGETS:,} targets"
        )
        if WRITE_EVERY:
            print(
                f"a committed write every {WRITE_EVERY:g} s ({len(writes)} in all);"
                f" department and leader pages read by {READERS} and {len(leaders)} users in turn"
            )
        print()
        print("| URL | req/s | p50 ms | p95 ms | errors | cost ÷ /healthz |")
        print("|---|---|---|---|---|---|")
        for label, path, _ in urls:
            lat, err, _ = results[label]
            print(
                f"| {label} `{path}` | {rates[label]:.1f} | {statistics.median(lat):.0f} | "
                f"{percentile(lat, 95):.0f} | {err} | {base / rates[label]:.2f} |"
            )


if __name__ == "__main__":
    main()
