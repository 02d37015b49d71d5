from __future__ import annotations

import pytest

from tests import factories as f
from tests.factories import clear_cache

from .helpers import make_client


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
def draft_consultation(institution):
    return f.consultation_in_state("draft", institution=institution)


@pytest.fixture
def closed_consultation(institution):
    return f.consultation_in_state("closed", institution=institution)
