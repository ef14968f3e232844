"""Settings chosen by the environment: laptop defaults in base, strict production.

Each case imports the settings in a fresh interpreter with exactly the variables it names, so
nothing from the test run (DATABASE_URL, REDIS_URL of CI) leaks into what is being checked.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "mubiao.example.gov.cn"

pytestmark = pytest.mark.skipif(
    (ROOT / ".env").exists(),
    reason="a local .env would supply variables these cases expect to be absent",
)

SHOW_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
from config.celery import app
print(json.dumps({
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "celery_eager": app.conf.task_always_eager,
    "celery_broker": app.conf.broker_url,
    "cache": settings.CACHES["default"]["BACKEND"],
    "debug": settings.DEBUG,
}))
"""


def run(args, *, env, tmp_path=None):
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "SYSTEMROOT") if k in os.environ}
    clean.update(env)
    return subprocess.run(  # noqa: S603 — our own interpreter and fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def show_settings(**env):
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    result = run(["-c", SHOW_SETTINGS], env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def production_env(tmp_path, **extra):
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},www.{HOST}",
        # Keeps the check away from the developer's db.sqlite3 and any server.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        # Nothing listens there: these cases never need Redis to answer.
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    env.update(extra)
    return env


def test_production_passes_check_deploy_without_a_single_warning(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_rejects_a_weak_secret_key(tmp_path):
    """Guards the guard: the same check must fail when the secret is the dev default."""
    env = production_env(tmp_path, SECRET_KEY="short-secret")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without(missing, tmp_path):
    env = production_env(tmp_path)
    del env[missing]
    result = run(["manage.py", "check"], env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL"])
@pytest.mark.parametrize("value", ["", "  "])
def test_production_refuses_an_empty(missing, value, tmp_path):
    """Issue 18 item 6: an empty line in .env is as missing as none — not SQLite beside the
    code, not tasks run inside the web process."""
    result = run(["manage.py", "check"], env=production_env(tmp_path, **{missing: value}))
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_base_still_runs_without_database_or_redis_on_a_laptop():
    """Only production insists: ``make run`` on a laptop needs neither server."""
    result = run(["manage.py", "check"], env={"DJANGO_SETTINGS_MODULE": "config.settings.base"})
    assert result.returncode == 0, result.stderr


def test_production_is_not_in_debug_and_keeps_cookies_secure(tmp_path):
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_SSL_REDIRECT)"
    )
    result = run(["-c", code], env=production_env(tmp_path, DEBUG="true"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True"]


def test_production_health_check_answers_over_plain_http_while_pages_redirect(tmp_path):
    """The compose health check calls http://127.0.0.1:8000/healthz with the first allowed host:
    it must get 200 there, while a real page is sent to HTTPS."""
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        f"c = Client(HTTP_HOST='{HOST}'); "
        "h = c.get('/healthz'); p = c.get('/accounts/login/'); "
        "print(json.dumps([h.status_code, h.json(), p.status_code, p.headers.get('Location')]))"
    )
    result = run(["-c", code], env=production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    health_status, body, page_status, location = json.loads(result.stdout.strip().splitlines()[-1])
    # Redis is unreachable here: degraded, yet 200 — the web process works without it.
    assert health_status == 200
    assert body["database"] == {"status": "ok"}
    assert body["cache"] == {"status": "unavailable"}
    assert page_status == 301
    assert location == f"https://{HOST}/accounts/login/"


def test_base_uses_sqlite_beside_the_code_without_database_url():
    settings = show_settings()
    assert settings["db_engine"] == "django.db.backends.sqlite3"
    assert settings["db_name"] == str(ROOT / "db.sqlite3")


def test_base_uses_postgresql_when_database_url_names_it():
    settings = show_settings(DATABASE_URL="postgres://u:p@db.example:5432/mubiao")
    assert settings["db_engine"] == "django.db.backends.postgresql"
    assert settings["db_name"] == "mubiao"


def test_without_redis_url_celery_runs_tasks_eagerly_in_process():
    settings = show_settings()
    assert settings["eager"] is True
    assert settings["celery_eager"] is True
    assert not settings["broker"].startswith("redis")
    assert settings["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_with_redis_url_celery_queues_to_redis_and_caches_there():
    url = "redis://cache.example:6379/0"
    settings = show_settings(REDIS_URL=url)
    assert settings["eager"] is False
    assert settings["celery_eager"] is False
    assert settings["broker"] == url
    assert settings["celery_broker"] == url
    # Redis's cache, reading as a miss while Redis is down (issue 18 item 1).
    assert settings["cache"] == "config.cache.FailSoftRedisCache"
