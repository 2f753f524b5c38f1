"""The API against its own OpenAPI schema, fuzzed by schemathesis (every operation).

The generated requests of each operation take turns with a read-write token
of each role (secretariat, focal point, viewer), and each is sent once as
generated and, for operations on one directive, once more on a real
directive of the demo data, so the fuzzing reaches the service layer and not
only the 404 path. Every response must be
no 5xx, a status code the schema declares, the declared media type and
headers, a body that validates, and invalid input (negative mode) refused
with a 4xx. Runs in-process through the WSGI handler on the test database,
so it runs on SQLite and PostgreSQL like every other test.
"""

import itertools
import random

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dxtasks.api.models import Scope
from dxtasks.directives.models import Directive, ExtensionRequest, Share

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
CHECKS_ON_REAL_DIRECTIVE = [check for check in CHECKS if check is not negative_data_rejection]
ROLES = ["secretariat", "mps.focal", "viewer"]

# Examples and fuzzing (positive and negative data); the coverage phase, which enumerates every
# boundary of every parameter, takes minutes on this API and CI's budget is shared.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)


@pytest.fixture
def role_tokens(demo, token_for):
    return {username: token_for(demo[username], Scope.WRITE) for username in ROLES}


@pytest.fixture(autouse=True)
def same_connection_for_wsgi_calls():
    """What Django's test client does: requests must not close the test's transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _real_parameters(case) -> tuple[dict, dict] | None:
    """The generated path and query parameters with a real directive (and its pending extension, if any).

    Every other time a collective directive: for a share's path with one of its
    agencies, for a write naming one of its shares in `agency`.
    """
    params = dict(case.path_parameters or {})
    query = dict(case.query or {})
    if "public_id" not in params:
        return None
    chooser = random.Random(str(params) + str(case.query))
    directives = Directive.objects.order_by("pk")
    if "agency_code" in params or chooser.random() < 0.5:
        directives = directives.exclude(addressees="")
    pk, public_id = chooser.choice(list(directives.values_list("pk", "public_id")))
    params["public_id"] = str(public_id)
    codes = list(Share.objects.filter(directive_id=pk).order_by("pk").values_list("agency__code", flat=True))
    if "agency_code" in params:
        params["agency_code"] = chooser.choice(codes)
    if "agency" in query and codes:
        query["agency"] = chooser.choice(["MPS", *codes])
    if "request_id" in params:
        pending = ExtensionRequest.objects.filter(directive_id=pk).order_by("-pk").values_list("pk", flat=True).first()
        params["request_id"] = pending or params["request_id"]
    return params, query


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_every_operation_conforms_for_every_role(case, role_tokens, turns):
    secret = role_tokens[ROLES[next(turns) % len(ROLES)]]
    headers = {"Authorization": f"Bearer {secret}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
    real = _real_parameters(case)
    if real is not None:
        # The same request on a real directive: no longer the negative case it was generated as.
        original = case.path_parameters, case.query
        case.path_parameters, case.query = real
        try:
            case.call_and_validate(headers=headers, checks=CHECKS_ON_REAL_DIRECTIVE)
        finally:
            case.path_parameters, case.query = original


@pytest.fixture
def turns():
    return itertools.count()
