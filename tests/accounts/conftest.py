from __future__ import annotations

import pytest

from tests.factories import clear_cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps its rate-limit counters in the cache: start and end every test empty."""
    clear_cache()
    yield
    clear_cache()
