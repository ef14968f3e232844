"""Real servers for the fault tests (issue 18): a Redis of the test's own on a free port, the web
app under gunicorn on the test database, and a small cookie-keeping HTTP client.

The web app runs in its own processes as in production (sync workers, kept database
connections), so what the tests break — Redis, the database's connections — is broken for it
exactly as for a deployment. Waiting for a server to come up polls until it answers; no assert
depends on timing.
"""

import base64
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
STARTUP_LIMIT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(ready, what: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"{what} exited with {process.returncode}: {out}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {STARTUP_LIMIT_SECONDS} s")


class RedisServer:
    """``redis-server`` on a free port, with nothing saved to disk; ``stop()`` and ``start()``
    again on the same port, as an outage and its end."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.dir = tmp_path
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        binary = shutil.which("redis-server")
        self.process = subprocess.Popen(  # noqa: S603 — a fixed local binary
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        _wait_until(self._answers, "redis-server", self.process)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        assert not self._answers()


def database_url_for_subprocesses() -> str:
    """The test database, as DATABASE_URL, for processes outside this one."""
    s = connection.settings_dict
    auth = urllib.parse.quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + urllib.parse.quote(s["PASSWORD"])
    host = s["HOST"] or "127.0.0.1"
    port = s["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


class WebServer:
    """The web app under gunicorn (sync workers), on ``config.settings.base`` with the given
    environment."""

    def __init__(self, *, workers: int = 2, **env):
        self.port = free_port()
        self.workers = workers
        self.env = env
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=5):  # noqa: S310
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def start(self) -> None:
        keep = ("PATH", "HOME", "LANG", "SYSTEMROOT")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.base",
                "DEBUG": "false",
                "DATABASE_URL": database_url_for_subprocesses(),
                "LOG_LEVEL": "WARNING",
            }
        )
        env.update(self.env)
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter, fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.workers}",
                "--timeout=120",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        _wait_until(self._answers, "gunicorn", self.process)

    def stop(self) -> str:
        """Stops the server and returns what it logged."""
        if self.process is None:
            return ""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.stdout.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status: int, body: bytes, headers):
        self.status_code = status
        self.body = body
        self.headers = headers

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """Cookies kept, redirects not followed, every status returned (never raised)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def request(self, method, path, *, data=None, headers=None) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(  # noqa: S310 — our own test server
            self.base_url + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(req, timeout=60) as resp:
                return Response(resp.status, resp.read(), resp.headers)
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read(), error.headers)

    def get(self, path, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def csrf_token(self, path: str) -> str:
        page = self.get(path).text
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(self, path, data, *, form_page=None) -> Response:
        """POSTs a form with the CSRF token of ``form_page`` (default: ``path``), as a browser
        that loaded the page first."""
        data = {"csrfmiddlewaretoken": self.csrf_token(form_page or path), **data}
        return self.request("POST", path, data=data, headers={"Referer": self.base_url + path})

    def sign_in(self, username: str, password: str) -> Response:
        return self.post("/accounts/login/", {"username": username, "password": password})


def basic_auth(username: str, password: str) -> dict:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}
