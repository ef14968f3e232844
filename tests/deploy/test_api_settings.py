"""Production settings for the API (issue 17 items 4 and 6): HTTP Basic off unless asked for,
API tokens always on, schema and docs behind login. Imported in a fresh interpreter with only
the variables named (as in tests/deploy/test_settings.py)."""

import json

from .test_settings import production_env, run

SHOW = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({
    "auth": settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
    "docs": settings.SPECTACULAR_SETTINGS.get("SERVE_PERMISSIONS"),
    "retention": settings.AUDIT_RETENTION_DAYS,
}))
"""

BASIC = "accounts.authentication.ThrottledBasicAuthentication"
TOKEN = "accounts.authentication.ApiTokenAuthentication"


def show(env):
    result = run(["-c", SHOW], env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_turns_basic_off_and_keeps_tokens(tmp_path):
    shown = show(production_env(tmp_path))
    assert BASIC not in shown["auth"]
    assert shown["auth"][0] == TOKEN
    assert shown["docs"] == ["rest_framework.permissions.IsAuthenticated"]
    assert shown["retention"] == 180


def test_an_operator_may_turn_basic_back_on(tmp_path):
    shown = show(production_env(tmp_path, API_BASIC_AUTH="true"))
    assert shown["auth"][:2] == [BASIC, TOKEN]


def test_the_demo_keeps_basic_and_public_docs():
    shown = show({"DJANGO_SETTINGS_MODULE": "config.settings.base"})
    assert shown["auth"][:2] == [BASIC, TOKEN]
    assert shown["docs"] is None
