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

BENCH_ONLY=substring limits the URLs (``/healthz`` is always measured).
"""

import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

DEPARTMENTS = int(os.environ.get("BENCH_DEPARTMENTS", "80"))
YEARS = int(os.environ.get("BENCH_YEARS", "1"))
TARGETS = int(os.environ.get("BENCH_TARGETS", "2000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ONLY = os.environ.get("BENCH_ONLY", "")
PORT = int(os.environ.get("BENCH_PORT", "0")) or None
# Keep the seeded database for the next run (which then skips seeding): for profiling rounds.
KEEP = os.environ.get("BENCH_KEEP", "") not in ("", "0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port: int, path: str, cookie: str) -> tuple[int, int]:
    """One request on a fresh connection (gunicorn's sync workers close every connection)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "GET",
            path,
            headers={
                "Cookie": cookie,
                "Host": "127.0.0.1",
                # Behind the TLS proxy (production settings redirect plain HTTP).
                "X-Forwarded-Proto": "https",
                "Accept-Language": "zh-hans",
            },
        )
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def load(port: int, path: str, cookie: str, seconds: float) -> tuple[int, list[float], int]:
    """A closed loop of CLIENTS clients on one URL for ``seconds``: (done, latencies, errors)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        mine, bad = [], 0
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                status, _ = fetch(port, path, cookie)
            except OSError:
                status = 0
            mine.append((time.perf_counter() - start) * 1000)
            if status != 200:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, errors[0], time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor != "postgresql":
        sys.exit("the throughput benchmark needs PostgreSQL (DATABASE_URL)")
    if not settings.REDIS_URL:
        sys.exit("the throughput benchmark needs Redis (REDIS_URL): sessions and cache live there")
    name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=KEEP
    )
    server = None
    static_root = tempfile.mkdtemp(prefix="mubiao-bench-static-")
    try:
        from accounts.models import User
        from targets.models import PlanYear, Target

        if PlanYear.objects.exists():
            print(f"reusing the seeded database {name} (BENCH_KEEP)")
        else:
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
        year = PlanYear.objects.get(status=PlanYear.Status.EXECUTING).year
        department = User.objects.get(username="cs-d0_staff").memberships.get().department_id
        target = Target.objects.filter(plan_year__year=year, lead_department_id=department).first()

        # The sessions are written here through the same session engine and stores the server
        # reads (the database and Redis), as a sign-in would.
        cookies = {}
        for username in ("cs-office", "cs-d0_staff", "cs-vm0"):
            client = Client()
            client.force_login(User.objects.get(username=username))
            cookies[username] = f"sessionid={client.cookies['sessionid'].value}"
        connection.close()

        port = PORT or free_port()
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
            # A benchmark is not an abusive client.
            "API_USER_RATE": "1000000/hour",
            # Its sessions are signed in without a second factor (the policy is still checked on
            # every request, at the cost it has in production).
            "OTP_REQUIRED": "false",
            "LOG_LEVEL": "WARNING",
        }
        # The manifest the production static storage reads, collected aside.
        env["STATIC_ROOT"] = static_root
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

        office, dept, leader = cookies["cs-office"], cookies["cs-d0_staff"], cookies["cs-vm0"]
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
        # Warm every worker (imports, template loading, connections).
        for label, path, cookie in urls:
            status, _ = fetch(port, path, cookie)
            if status != 200:
                print(f"warning: {label} {path} answered {status}", file=sys.stderr)
            load(port, path, cookie, 0.5)

        results = {label: ([], 0, 0.0) for label, _, _ in urls}
        for _ in range(ROUNDS):
            for label, path, cookie in urls:
                done, latencies, errors, elapsed = load(port, path, cookie, SECONDS)
                lat, err, secs = results[label]
                results[label] = (lat + latencies, err + errors, secs + elapsed)

        rates = {label: len(lat) / secs for label, (lat, _, secs) in results.items()}
        base = rates["/healthz"]
        print(
            f"\n{WORKERS} gunicorn workers, {CLIENTS} clients, {ROUNDS} rounds × {SECONDS:g} s "
            f"per URL, {YEARS} year(s) × {TARGETS:,} targets\n"
        )
        print("| URL | req/s | p50 ms | p95 ms | errors | cost ÷ /healthz |")
        print("|---|---|---|---|---|---|")
        for label, path, _ in urls:
            lat, err, _ = results[label]
            print(
                f"| {label} `{path}` | {rates[label]:.1f} | {statistics.median(lat):.0f} | "
                f"{percentile(lat, 95):.0f} | {err} | {base / rates[label]:.2f} |"
            )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        connection.close()
        if not KEEP:
            connection.creation.destroy_test_db(name, verbosity=0)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
