from __future__ import annotations

import pytest

from tests import factories as f
from tests.api.helpers import make_client
from tests.factories import clear_cache


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The API's rate limits count in the cache; each test starts from zero."""
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def api():
    return make_client()


@pytest.fixture
def as_user():
    return make_client


@pytest.fixture
def article(proposal):
    return proposal.sections.get(key="neni-1")


@pytest.fixture
def second_citizen(db):
    return f.UserFactory()


@pytest.fixture
def cso(db):
    return f.OrganisationFactory()


@pytest.fixture
def representative(cso):
    return f.representative_of(cso)


@pytest.fixture
def moderator(db):
    return f.moderator()


@pytest.fixture
def pdf_bytes() -> bytes:
    from tests.comments.conftest import make_pdf

    return make_pdf()
