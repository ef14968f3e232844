"""The API keeps its published contract (issue 17 item 6): schemathesis generates requests for
every operation of /api/schema/ and sends them to the WSGI application, as the general office's
read-write API token. Every response must be no server error, and its status code, content
type and body must be what the schema says.

Bounded (``MAX_EXAMPLES`` per operation, derandomised, no shrinking) so CI spends about two
minutes here; set ``SCHEMATHESIS_MAX_EXAMPLES`` for a longer hunt."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks

from accounts import tokens
from accounts.models import ApiToken
from config.wsgi import application

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "2"))

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


# Read once, when the tests are collected (drf-spectacular needs no database to write it).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Django closes the database connection after each WSGI request, which would end the
    test's transaction: like Django's own test client, keep it open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def office_token(office):
    """The general office reads everything and may act on most things."""
    _token, key = tokens.api_token_create(
        user=office, name="schemathesis", scope=ApiToken.Scope.WRITE, days=1, by=office
    )
    return key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_the_contract(case, office_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {office_token}"}, checks=CHECKS)
