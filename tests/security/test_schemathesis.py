"""Property-based tests of the REST API against its own OpenAPI schema (schemathesis).

The schema is read from the Django application itself (``/api/schema/`` through the WSGI app,
no network), and every operation is called with generated parameters and bodies, a small,
fixed number of examples each (hypothesis ``derandomize``: the same examples on every run),
once anonymously and once with a verified citizen's API token. Path parameters are pointed at
real objects (``tests/security/world.py``, an open consultation) so that the answers are not
all 404s; queries and bodies are what schemathesis generates.

Checks: no 5xx (``not_a_server_error``) and every response matches the schema for its status
code and content type (``response_schema_conformance``).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.factories import clear_cache
from tests.security.world import build_world

CHECKS = [not_a_server_error, response_schema_conformance]
EXAMPLES = 6


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One open consultation for the whole module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world("open")
        transaction.set_rollback(True)


@pytest.fixture
def api_schema(world, db, settings):
    from config.wsgi import application

    settings.ALLOWED_HOSTS = ["*"]
    settings.COMMENT_RATE_LIMIT = "100000/60"
    settings.FLAG_RATE_LIMIT = "100000/60"
    # The API's throttles count in the cache; the examples stay far below their rates.
    clear_cache()
    # As Django's own test client does: the WSGI handler would close the test database's
    # connection at the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def real_objects(case, world) -> None:
    known = {
        "slug": world.consultation.slug,
        "proposal_slug": world.proposal.slug,
        "id": world.comment.pk,
        "tracking_number": world.paper.tracking_number,
        "key": "neni-1",
        "number": 1,
    }
    if case.path_parameters:
        for name in list(case.path_parameters):
            if name in known:
                case.path_parameters[name] = known[name]


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def run_all(api_schema, world, headers) -> list[str]:
    """Every operation of the schema, ``EXAMPLES`` cases each; the failures as text."""
    failures = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @SETTINGS
        @given(case=operation.as_strategy())
        def check(case):
            real_objects(case, world)
            case.call_and_validate(checks=CHECKS, headers=headers)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported below
            failures.append(f"{operation.method.upper()} {operation.path}:\n{exc}")
    assert operations > 20
    return failures


def test_api_anonymous(api_schema, world):
    failures = run_all(api_schema, world, {"Accept-Language": "en"})
    assert not failures, "\n\n".join(failures)


def test_api_with_a_citizens_token(api_schema, world):
    token, _created = Token.objects.get_or_create(user=world.people["citizen"])
    headers = {"Authorization": f"Token {token.key}", "Accept-Language": "en"}
    failures = run_all(api_schema, world, headers)
    assert not failures, "\n\n".join(failures)
