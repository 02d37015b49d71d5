"""The section and diff endpoints of the API answer in the language asked with ``?lang=`` when
the text is translated into it, else in the original; ``language`` says which."""

from __future__ import annotations

import pytest

from proposals.services import proposal_version_publish
from tests import factories as f
from tests.api.helpers import make_client, proposal_url
from tests.factories import clear_cache

from .conftest import SAMPLE_DRAFT_V2_SR_MD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def two_versions(translated, official):
    proposal_version_publish(
        actor=official,
        proposal=translated,
        data=f.SAMPLE_DRAFT_V2_MD.encode(),
        filename="v2.md",
        note="Versioni i dytë",
    )
    translated.refresh_from_db()
    return translated


def test_section_in_serbian(translated):
    url = proposal_url(translated, "sections/neni-1-2/")
    data = make_client().get(url, {"lang": "sr-latn"}).json()
    assert data["language"] == "sr-latn"
    assert data["body"] == "Strategija se primenjuje na sva ministarstva."
    original = make_client().get(url).json()
    assert original["language"] == "sq"
    assert original["body"] != data["body"]
    assert (original["key"], original["tally"]) == (data["key"], data["tally"])
    title = make_client().get(proposal_url(translated, "sections/neni-1/"), {"lang": "sr-latn"})
    assert title.json()["title"] == "Svrha"


def test_section_without_that_translation_gives_the_original(translated):
    url = proposal_url(translated, "sections/neni-1/")
    data = make_client().get(url, {"lang": "en"}).json()
    assert data["language"] == "sq"
    assert data["title"] == "Qëllimi"


@pytest.mark.parametrize("value", ["de", "", "SR"])
def test_a_bad_lang_is_a_400_on_lang(translated, value):
    for suffix in ("sections/neni-1/", "diff/"):
        response = make_client().get(proposal_url(translated, suffix), {"lang": value})
        assert response.status_code == 400
        assert "lang" in response.json()


def test_diff_in_serbian_when_both_versions_are_translated(two_versions, translate):
    translate(two_versions, SAMPLE_DRAFT_V2_SR_MD)
    url = proposal_url(two_versions, "diff/")
    data = make_client().get(url, {"from": 1, "to": 2, "lang": "sr-latn"}).json()
    assert data["language"] == "sr-latn"
    html = " ".join(c.get("body_html") or "" for c in data["changes"])
    assert "nezavisne agencije</ins>" in html
    assert "agjencitë e pavarura" not in html
    original = make_client().get(url, {"from": 1, "to": 2}).json()
    assert original["language"] == "sq"
    assert [c["key"] for c in original["changes"]] == [c["key"] for c in data["changes"]]


def test_diff_falls_back_to_the_original_when_a_version_is_not_translated(two_versions):
    url = proposal_url(two_versions, "diff/")
    data = make_client().get(url, {"from": 1, "to": 2, "lang": "sr-latn"}).json()
    assert data["language"] == "sq"
    html = " ".join(c.get("body_html") or "" for c in data["changes"])
    assert "agjencitë e pavarura</ins>" in html
