"""What the HTTP benchmarks share (``benchmarks.throughput``, ``benchmarks.public``): a throw-away
PostgreSQL database beside the one DATABASE_URL names (``test_<name>``) seeded with
``seed_city``, gunicorn on it with the production settings (static files collected aside, DEBUG
off, sessions and cache in Redis), and the closed loop of clients that loads one URL.

Environment: BENCH_DEPARTMENTS=80 (seeded departments), BENCH_WORKERS=4 (gunicorn sync
workers), BENCH_CLIENTS=8, BENCH_SECONDS=3 per URL and round, BENCH_ROUNDS=3, BENCH_PORT (default:
a free one), CONN_MAX_AGE=60.
"""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

DEPARTMENTS = int(os.environ.get("BENCH_DEPARTMENTS", "80"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PORT = int(os.environ.get("BENCH_PORT", "0")) or None


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


def load(
    port: int, path: str, cookie: str | list[str], seconds: float
) -> tuple[int, list[float], int, float]:
    """A closed loop of CLIENTS clients on one URL for ``seconds``: each sends a request, waits
    for the answer, sends the next. ``cookie`` may be a list of readers' sessions: the clients
    then take them in turn, request by request (many readers, each with their own page).
    Returns (done, latencies, errors, elapsed)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    cookies = cookie if isinstance(cookie, list) else [cookie]
    turn = iter(range(10**9))

    def client():
        mine, bad = [], 0
        while time.perf_counter() < deadline:
            reader = cookies[next(turn) % len(cookies)]
            start = time.perf_counter()
            try:
                status, _ = fetch(port, path, reader)
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


def measure(port: int, urls: list[tuple[str, str, str]]):
    """Warm every worker and page on each (label, path, cookie), then load each URL in turn for
    SECONDS over ROUNDS rounds, interleaved so that a burst of other work on the shared machine
    slows every URL alike. Returns {label: (latencies, errors, seconds)} and {label: req/s}."""
    for label, path, cookie in urls:
        status, _ = fetch(port, path, cookie if isinstance(cookie, str) else cookie[0])
        if status != 200:
            print(f"warning: {label} {path} answered {status}", file=sys.stderr)
        load(port, path, cookie, 0.5)
    results = {label: ([], 0, 0.0) for label, _, _ in urls}
    for _ in range(ROUNDS):
        for label, path, cookie in urls:
            _done, latencies, errors, elapsed = load(port, path, cookie, SECONDS)
            lat, err, secs = results[label]
            results[label] = (lat + latencies, err + errors, secs + elapsed)
    rates = {label: len(lat) / secs for label, (lat, _, secs) in results.items()}
    return results, rates


@contextmanager
def throwaway_database(benchmark: str, *, keep: bool = False):
    """Set Django up and create ``test_<name>`` (kept, and reused, with ``keep``); dropped at
    the end. Exits unless on PostgreSQL with Redis (sessions and cache live there)."""
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor != "postgresql":
        sys.exit(f"the {benchmark} benchmark needs PostgreSQL (DATABASE_URL)")
    if not settings.REDIS_URL:
        sys.exit(
            f"the {benchmark} benchmark needs Redis (REDIS_URL): sessions and cache live there"
        )
    name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=keep
    )
    try:
        yield name
    finally:
        connection.close()
        if not keep:
            connection.creation.destroy_test_db(name, verbosity=0)


def seed_city(*, years: int, targets: int) -> None:
    """``seed_city`` with BENCH_DEPARTMENTS departments, then ANALYZE."""
    from django.core.management import call_command
    from django.db import connection

    call_command(
        "seed_city",
        departments=DEPARTMENTS,
        years=years,
        targets_per_year=targets,
        stdout=sys.stdout,
    )
    connection.cursor().execute("ANALYZE")


@contextmanager
def gunicorn(extra_env: dict | None = None):
    """Collect the static files aside (the manifest the production storage reads), start
    gunicorn on the throw-away database with the production settings and wait for /healthz.
    Yields the port; stops the server and removes the static files at the end."""
    from django.conf import settings
    from django.db import connection

    connection.close()  # the server's workers open their own
    port = PORT or free_port()
    db = settings.DATABASES["default"]
    static_root = tempfile.mkdtemp(prefix="mubiao-bench-static-")
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
        **(extra_env or {}),
    }
    server = None
    try:
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
        yield port
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
