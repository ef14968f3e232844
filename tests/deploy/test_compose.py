"""The production frame: docker-compose.yml, Dockerfile and .env.example agree with the settings.

No Docker engine runs in CI, so the files are read as data: a service missing, a web process on
the laptop settings, or a variable the settings require but nobody provides fails here instead
of on the server.
"""

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "settings"
APP_SERVICES = ("migrate", "web", "worker", "beat")
# Not required by the settings (they default to SQLite and in-process Celery), but a deployment
# of several containers that fell back to those defaults would be silently broken.
REQUIRED_IN_PRODUCTION = {"DATABASE_URL", "REDIS_URL"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def env_example():
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def settings_env_reads(path):
    """Names read through django-environ in a settings file: {name: has_default}."""
    reads = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        is_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
        )
        first = node.args[0]
        if is_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            has_default = any(k.arg == "default" for k in node.keywords) or len(node.args) > 2
            reads[first.value] = reads.get(first.value, False) or has_default
    return reads


def production_env_reads():
    reads = settings_env_reads(SETTINGS / "base.py")
    # production.py overrides base: a name it reads without default is required even if base
    # had one (SECRET_KEY, ALLOWED_HOSTS).
    reads.update(settings_env_reads(SETTINGS / "production.py"))
    return reads


def provided_to(service, compose_env_file_keys):
    keys = set(compose_env_file_keys) if service.get("env_file") else set()
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.partition("=")[::2] for item in environment)
    return keys | set(environment)


def test_it_has_the_five_services_and_a_one_shot_migrate(services):
    assert set(services) == {"web", "worker", "beat", "db", "redis", "migrate"}
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert services["migrate"].get("restart") == "no"


def test_app_processes_share_one_image_built_from_the_dockerfile(services):
    images = {services[name]["image"] for name in APP_SERVICES}
    builds = {repr(services[name]["build"]) for name in APP_SERVICES}
    assert len(images) == 1
    assert len(builds) == 1
    assert services["web"]["build"]["dockerfile"] == "Dockerfile"


def test_every_app_process_runs_the_production_settings(services):
    for name in APP_SERVICES:
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == (
            "config.settings.production"
        ), name


def test_web_serves_the_wsgi_app_with_gunicorn(services):
    command = services["web"]["command"]
    assert command[0] == "gunicorn"
    assert "config.wsgi:application" in command
    assert "8000:8000" in services["web"]["ports"]


def test_worker_and_beat_run_the_config_celery_app(services):
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_beat_reads_its_schedules_from_the_database(services):
    """django-celery-beat's DatabaseScheduler: the schedules are edited in /admin/ (issue 7)."""
    command = services["beat"]["command"]
    scheduler = command[command.index("--scheduler") + 1]
    assert scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


def test_web_health_check_hits_healthz_with_an_allowed_host(services):
    check = services["web"]["healthcheck"]
    test = check["test"]
    assert test[0] == "CMD"
    code = test[-1]
    assert "/healthz" in code
    # Django answers 400 to a Host outside ALLOWED_HOSTS, so the check must send one of them.
    assert "ALLOWED_HOSTS" in code
    compile(code, "healthcheck", "exec")
    assert {"interval", "timeout", "retries"} <= set(check)


def test_app_processes_wait_for_healthy_db_and_redis_and_the_migration(services):
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in services["db"]
    assert "healthcheck" in services["redis"]


def test_database_and_redis_images_keep_their_data_in_volumes(compose, services):
    # The image's pg_dump (Debian bookworm's postgresql-client 15) must match the server, or
    # `manage.py backup` in the container refuses to dump it (issue 18 item 5).
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    db_volume = services["db"]["volumes"][0].split(":")[0]
    assert db_volume in compose["volumes"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")


def test_every_variable_production_requires_is_provided(services):
    required = {name for name, has_default in production_env_reads().items() if not has_default}
    assert {"SECRET_KEY", "ALLOWED_HOSTS"} <= required
    required |= REQUIRED_IN_PRODUCTION
    example = env_example()
    for name in APP_SERVICES:
        missing = required - provided_to(services[name], example)
        assert not missing, f"{name} lacks {sorted(missing)}"


def test_env_example_documents_only_variables_something_reads(compose):
    """A variable in .env.example that nothing reads is a setting the operator believes in vain."""
    read_by_settings = set(production_env_reads())
    interpolated = set(re.findall(r"\$\{(\w+)", (ROOT / "docker-compose.yml").read_text()))
    read_by_gunicorn = {"WEB_CONCURRENCY"}
    unread = set(env_example()) - read_by_settings - interpolated - read_by_gunicorn
    assert not unread, f".env.example documents unread variables: {sorted(unread)}"


def test_env_example_database_url_matches_the_db_service():
    example = env_example()
    user, password, db = (
        example["POSTGRES_USER"],
        example["POSTGRES_PASSWORD"],
        example["POSTGRES_DB"],
    )
    assert example["DATABASE_URL"] == f"postgres://{user}:{password}@db:5432/{db}"
    assert example["REDIS_URL"].startswith("redis://redis:6379")
    assert example["SECRET_KEY"] == "", "the example must not ship a usable secret"


def test_image_is_slim_python_311_runs_as_non_root_and_collects_static():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    assert "collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in {"root", "0"}


def test_secrets_and_local_state_stay_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".env", ".venv", ".git", "db.sqlite3"):
        assert entry in ignored, entry


def test_the_image_build_gives_collectstatic_what_production_settings_require():
    """Production settings refuse to load without DATABASE_URL and REDIS_URL (issue 18 item 6);
    the Dockerfile's collectstatic step loads them with placeholders of its own, so it must name
    these too or the image no longer builds."""
    import subprocess
    import sys

    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    step = next(
        line
        for line in dockerfile.splitlines()
        if line.startswith("RUN") and "collectstatic" in line
    )
    assignments = dict(re.findall(r"\b([A-Z_]+)=(\S+)", step))
    assert assignments.get("DJANGO_SETTINGS_MODULE") == "config.settings.production"
    env = {"PATH": "/usr/bin:/bin", **assignments}
    result = subprocess.run(  # noqa: S603 — our own interpreter and a fixed program
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_image_has_the_database_client_the_backup_command_runs():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "postgresql-client" in dockerfile
