"""Schemathesis against our own OpenAPI schema: generated requests, valid and invalid, never get
a 5xx and every response matches what the schema promises."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from omnihana.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def auth_headers(api_key) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"}


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """The WSGI handler closes the database connection after each request (as in production);
    Django's test client switches that off, and so do we while Schemathesis calls the app."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_schema(case, auth_headers, db):
    # Every response check, and schema-invalid requests must be refused. Not "schema-valid data
    # is accepted": a well-formed record can still name a customer or staff member who does not
    # exist, or a date range that ends before it starts, and those are rightly 400/404.
    case.call_and_validate(
        headers=auth_headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            response_headers_conformance,
            negative_data_rejection,
        ],
        excluded_checks=[positive_data_acceptance],
    )


def test_the_schema_and_docs_are_served_without_a_cdn(client, db):
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()
