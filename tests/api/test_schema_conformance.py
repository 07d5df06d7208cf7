"""Schemathesis: generated requests to every operation never meet a server error,
and every answer is one the OpenAPI document describes."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from config.wsgi import application

pytestmark = pytest.mark.django_db

# Slugs of instruments and domains are checked against the registry, which
# the document cannot list: an unknown one is a 400, never a 2xx. Every other
# schema-valid request must be accepted, as schemathesis's own check demands.
UNKNOWN_SLUG_PARAMETERS = {"instrument", "domain"}
UNKNOWN_CHOICE = "Select a valid choice."

CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": 25, "mode": "all"},
        "checks": {"positive_data_acceptance": {"enabled": False}},
    }
)

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG)


@pytest.fixture
def connection_kept_between_requests():
    """Keep the test's transaction open across requests, as Django's test client does.

    Schemathesis calls the WSGI application itself, whose request signals
    would otherwise close the database connection the test runs in.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def assert_valid_request_accepted(case, response) -> None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return
    errors = response.json()["errors"]
    assert set(errors) <= UNKNOWN_SLUG_PARAMETERS, (case.as_curl_command(), errors)
    assert all(
        message.startswith(UNKNOWN_CHOICE) for messages in errors.values() for message in messages
    ), (case.as_curl_command(), errors)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_operation_answers_as_documented(case, published, connection_kept_between_requests):
    response = case.call_and_validate()
    assert_valid_request_accepted(case, response)
