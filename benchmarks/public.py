"""Benchmark: the public portal's cached pages under anonymous load, beside /healthz (issue 21
item 6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mubiao REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python -m benchmarks.public

Creates a throw-away database (``test_<name>``) beside the one DATABASE_URL names, fills it with
``seed_city`` (BENCH_DEPARTMENTS=80, one year of BENCH_TARGETS=500 targets), has the general
office publish the year through ``portal.services.year_publish``, starts gunicorn (BENCH_WORKERS=4
sync workers, the production settings, the cache in Redis) and runs the closed loop of
``benchmarks.server`` (BENCH_CLIENTS=8 clients, BENCH_ROUNDS × BENCH_SECONDS per URL,
interleaved) on /healthz, a public target page, the year's list and the year overview, with no
cookie (anonymous). Prints req/s, p50/p95 and each page's rate as a share of /healthz's (the
goal: the cached pages at ≥ 80 %). Drops the database at the end.

BENCH_ONLY=substring limits the URLs (``/healthz`` is always measured).
"""

import os
import statistics
import time

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

TARGETS = int(os.environ.get("BENCH_TARGETS", "500"))
ONLY = os.environ.get("BENCH_ONLY", "")


def main():
    with throwaway_database("public"):
        from accounts.models import User
        from portal import services
        from portal.models import PublicTarget
        from targets.models import PlanYear

        start = time.perf_counter()
        seed_city(years=1, targets=TARGETS)
        year = PlanYear.objects.get(status=PlanYear.Status.EXECUTING)
        result = services.year_publish(plan_year=year, by=User.objects.get(username="cs-office"))
        print(
            f"(built and published {result.published} targets in "
            f"{time.perf_counter() - start:.0f} s)"
        )
        target_id = PublicTarget.objects.values_list("target_id", flat=True).first()

        with gunicorn() as port:
            urls = [
                ("/healthz", "/healthz", ""),
                ("public target page", f"/gongkai/targets/{target_id}/", ""),
                ("public year overview", f"/gongkai/{year.year}/overview/", ""),
                ("public year list", f"/gongkai/{year.year}/", ""),
            ]
            urls = [u for u in urls if u[0] == "/healthz" or ONLY in u[0]]
            results, rates = measure(port, urls)

        base = rates["/healthz"]
        print(
            f"\n{WORKERS} gunicorn workers, {CLIENTS} anonymous clients, {ROUNDS} rounds × "
            f"{SECONDS:g} s per URL, {TARGETS:,} published targets\n"
        )
        print("| URL | req/s | p50 ms | p95 ms | errors | share of /healthz |")
        print("|---|---|---|---|---|---|")
        for label, path, _ in urls:
            lat, err, _ = results[label]
            print(
                f"| {label} `{path}` | {rates[label]:.1f} | {statistics.median(lat):.0f} | "
                f"{percentile(lat, 95):.0f} | {err} | {rates[label] / base:.0%} |"
            )


if __name__ == "__main__":
    main()
