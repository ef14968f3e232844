"""The API keeps its published contract (issue 17 item 6): schemathesis generates requests for
every operation of /api/schema/ and sends them to the WSGI application, as the general office's
read-write API token. Every response must be no server error, and its status code, content
type and body must be what the schema says.

Every operation gets schemathesis' coverage cases (its valid values, and each parameter and body
field with each kind of invalid value) plus ``MAX_EXAMPLES`` generated ones, derandomised, no
shrinking. Coverage cases that would only take the same code path again are left out
(``_once_key``), so CI spends under two minutes here; set ``SCHEMATHESIS_EVERY_CASE=1`` to send
them all and ``SCHEMATHESIS_MAX_EXAMPLES`` for a longer hunt."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoverageScenario, TestPhase
from schemathesis.generation.modes import GenerationMode

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

EVERY_CASE = os.environ.get("SCHEMATHESIS_EVERY_CASE") == "1"

# Answered by code every operation shares, before the view's own: DRF's parsers (a Content-Type
# they cannot read → 400/415) and the one paginator (config.api_contract.Pagination).
SHARED_PROBES = {CoverageScenario.MALFORMED_CONTENT_TYPE, CoverageScenario.UNSUPPORTED_CONTENT_TYPE}
PAGINATION = {"page", "page_size"}
_sent = set()


def _once_key(case):
    """What makes a coverage case new, or None when every such case is sent. An invalid case is
    new once per operation, parameter and kind of fault (schemathesis makes several of one kind,
    e.g. each wrong JSON type for a field, which the field's one validation answers alike); a
    method the path does not serve once per path (its view answers whichever operation of the
    path the case was made for); a shared probe or a paginator fault once for the whole API."""
    data = case.meta.phase.data
    if data.scenario == CoverageScenario.UNSPECIFIED_HTTP_METHOD:
        return (data.scenario, case.operation.path)
    if data.scenario in SHARED_PROBES or (
        data.parameter in PAGINATION and data.parameter_location == ParameterLocation.QUERY
    ):
        return (data.scenario, data.description)
    if case.meta.generation.mode == GenerationMode.NEGATIVE:
        return (case.operation.label, data.scenario, data.parameter_location, data.parameter)
    return None


@schema.hook
def filter_case(context, case):
    """Send each coverage case that is new (``_once_key``); valid ones and generated ones all."""
    if EVERY_CASE or case.meta is None or case.meta.phase.name != TestPhase.COVERAGE:
        return True
    key = _once_key(case)
    if key is None:
        return True
    if key in _sent:
        return False
    _sent.add(key)
    return True


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
