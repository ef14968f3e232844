"""Benchmark: the public portal's cached pages under anonymous load, beside /healthz (issue 21
item 6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mubiao REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python -m benchmarks.public

Creates a throw-away database (``test_<name>``) beside the one DATABASE_URL names, fills it with
``seed_city`` (BENCH_DEPARTMENTS=80, one year of BENCH_TARGETS=500 targets), has the general
office publish the year through ``portal.services.year_publish``, starts gunicorn (BENCH_WORKERS=4
sync workers, the production settings, the cache in Redis) and runs the closed loop of
``benchmarks.throughput`` (BENCH_CLIENTS=8 clients, BENCH_ROUNDS × BENCH_SECONDS per URL,
interleaved) on /healthz, a public target page, the year's list and the year overview, with no
cookie (anonymous). Prints req/s, p50/p95 and each page's rate as a share of /healthz's (the
goal: the cached pages at ≥ 80 %). Drops the database at the end.
"""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import django

from benchmarks.throughput import (
    CLIENTS,
    DEPARTMENTS,
    ROUNDS,
    SECONDS,
    WORKERS,
    fetch,
    free_port,
    load,
    percentile,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
TARGETS = int(os.environ.get("BENCH_TARGETS", "500"))


def main():
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("the public benchmark needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    server = None
    static_root = tempfile.mkdtemp(prefix="mubiao-bench-static-")
    try:
        from accounts.models import User
        from portal import services
        from portal.models import PublicTarget
        from targets.models import PlanYear

        start = time.perf_counter()
        call_command(
            "seed_city",
            departments=DEPARTMENTS,
            years=1,
            targets_per_year=TARGETS,
            stdout=sys.stdout,
        )
        year = PlanYear.objects.get(status=PlanYear.Status.EXECUTING)
        result = services.year_publish(plan_year=year, by=User.objects.get(username="cs-office"))
        print(
            f"(built and published {result.published} targets in "
            f"{time.perf_counter() - start:.0f} s)"
        )
        connection.cursor().execute("ANALYZE")
        target_id = PublicTarget.objects.values_list("target_id", flat=True).first()
        connection.close()

        port = free_port()
        db = settings.DATABASES["default"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
            "LOG_LEVEL": "WARNING",
            "STATIC_ROOT": static_root,
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True
        )
        server = subprocess.Popen(  # noqa: S603 — our own interpreter and fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                f"--workers={WORKERS}",
                f"--bind=127.0.0.1:{port}",
                "--log-level=warning",
            ],
            env=env,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                if fetch(port, "/healthz", "")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            sys.exit("gunicorn did not answer /healthz")

        urls = [
            ("/healthz", "/healthz"),
            ("public target page", f"/gongkai/targets/{target_id}/"),
            ("public year overview", f"/gongkai/{year.year}/overview/"),
            ("public year list", f"/gongkai/{year.year}/"),
        ]
        # Warm every worker and the cache (the first visit of each page builds it).
        for label, path in urls:
            status, _ = fetch(port, path, "")
            if status != 200:
                print(f"warning: {label} {path} answered {status}", file=sys.stderr)
            load(port, path, "", 0.5)

        results = {label: ([], 0, 0.0) for label, _ in urls}
        for _ in range(ROUNDS):
            for label, path in urls:
                _done, latencies, errors, elapsed = load(port, path, "", SECONDS)
                lat, err, secs = results[label]
                results[label] = (lat + latencies, err + errors, secs + elapsed)

        rates = {label: len(lat) / secs for label, (lat, _, secs) in results.items()}
        base = rates["/healthz"]
        print(
            f"\n{WORKERS} gunicorn workers, {CLIENTS} anonymous clients, {ROUNDS} rounds × "
            f"{SECONDS:g} s per URL, {TARGETS:,} published targets\n"
        )
        print("| URL | req/s | p50 ms | p95 ms | errors | share of /healthz |")
        print("|---|---|---|---|---|---|")
        for label, path in urls:
            lat, err, _ = results[label]
            print(
                f"| {label} `{path}` | {rates[label]:.1f} | {statistics.median(lat):.0f} | "
                f"{percentile(lat, 95):.0f} | {err} | {rates[label] / base:.0%} |"
            )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        connection.close()
        connection.creation.destroy_test_db(name, verbosity=0)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
