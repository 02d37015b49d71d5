"""The API's ``?lang=``, the ``import_draft --translation`` command, and the demo data."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from proposals.models import SectionTextTranslation
from tests.api.helpers import consultation_url, make_client, proposal_url
from tests.factories import clear_cache

from .conftest import SAMPLE_DRAFT_SR_MD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    clear_cache()
    yield
    clear_cache()


# --- API ----------------------------------------------------------------------------------------


def test_proposal_in_serbian(translated):
    data = make_client().get(proposal_url(translated), {"lang": "sr-latn"}).json()
    assert data["language"] == "sr-latn"
    assert data["available_languages"] == ["sq", "sr-latn"]
    assert data["title"] == "Strategija za saradnju sa civilnim društvom"
    rows = {row["key"]: row for row in data["sections"]}
    assert rows["neni-1"]["title"] == "Svrha"
    assert rows["neni-1"]["label"].endswith("Svrha")
    assert rows["neni-1-2"]["body"] == "Strategija se primenjuje na sva ministarstva."
    # The same keys as the original.
    original = make_client().get(proposal_url(translated)).json()
    assert [r["key"] for r in original["sections"]] == [r["key"] for r in data["sections"]]
    assert original["language"] == "sq"  # by default, the original
    assert original["title"] == translated.title
    assert {r["key"]: r["title"] for r in original["sections"]}["neni-1"] == "Qëllimi"


def test_a_language_without_translation_gives_the_original(translated):
    data = make_client().get(proposal_url(translated), {"lang": "en"}).json()
    assert data["language"] == "sq"
    assert {r["key"]: r["title"] for r in data["sections"]}["neni-1"] == "Qëllimi"


@pytest.mark.parametrize("value", ["de", "", "SR"])
def test_a_bad_lang_is_a_400_on_lang(translated, value):
    for suffix in ("", "versions/1/"):
        response = make_client().get(proposal_url(translated, suffix), {"lang": value})
        assert response.status_code == 400
        assert "lang" in response.json()


def test_version_in_serbian(translated):
    data = make_client().get(proposal_url(translated, "versions/1/"), {"lang": "sr-latn"}).json()
    assert data["language"] == "sr-latn"
    assert data["original_language"] == "sq"
    assert data["available_languages"] == ["sq", "sr-latn"]
    assert {s["key"]: s["title"] for s in data["sections"]}["kapitulli-1"] == "OPŠTE ODREDBE"
    listing = make_client().get(proposal_url(translated, "versions/")).json()
    assert listing[0]["available_languages"] == ["sq", "sr-latn"]


def test_consultation_translations_in_the_api(open_consultation, official):
    client = make_client(official)
    response = client.patch(
        consultation_url(open_consultation),
        {"title_translations": {"sr-latn": "Nacrt strategije"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = make_client().get(consultation_url(open_consultation)).json()
    assert data["language"] == "sq"
    assert data["title_translations"] == {"sr-latn": "Nacrt strategije"}
    assert data["summary_translations"] == {}
    bad = client.patch(
        consultation_url(open_consultation),
        {"title_translations": {"xx": "?"}},
        format="json",
    )
    assert bad.status_code == 400 and "title_translations" in bad.json()


# --- import_draft --translation -----------------------------------------------------------------


def test_import_draft_translation(proposal, tmp_path):
    path = tmp_path / "strategija.md"
    path.write_text(SAMPLE_DRAFT_SR_MD, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_draft",
        str(path),
        "--consultation",
        proposal.consultation.slug,
        "--translation",
        "sr-latn",
        stdout=out,
    )
    assert "sr-latn" in out.getvalue()
    assert SectionTextTranslation.objects.filter(language="sr-latn").exists()


def test_import_draft_translation_refused(proposal, tmp_path):
    path = tmp_path / "strategija.md"
    path.write_text(SAMPLE_DRAFT_SR_MD.split("Član 4")[0], encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was stored"):
        call_command(
            "import_draft",
            str(path),
            "--consultation",
            proposal.consultation.slug,
            "--translation",
            "sr-latn",
            "--document",
            proposal.slug,
            stderr=err,
        )
    assert "Article 4" in err.getvalue()
    assert not SectionTextTranslation.objects.exists()


def test_import_draft_translation_needs_the_document_when_there_are_several(
    proposal, official, draft_md, tmp_path
):
    from proposals.services import proposal_import

    proposal_import(
        actor=official, consultation=proposal.consultation, data=draft_md, filename="b.md"
    )
    path = tmp_path / "strategija.md"
    path.write_text(SAMPLE_DRAFT_SR_MD, encoding="utf-8")
    with pytest.raises(CommandError, match="--document"):
        call_command(
            "import_draft",
            str(path),
            "--consultation",
            proposal.consultation.slug,
            "--translation",
            "sr-latn",
        )


# --- the demo -----------------------------------------------------------------------------------


def test_the_demo_strategy_is_in_serbian_too(reader):
    from consult.management.commands import seed_demo
    from consult.models import Consultation

    call_command("seed_demo", stdout=io.StringIO())
    consultation = Consultation.objects.get(slug=seed_demo.OPEN_SLUG)
    assert consultation.title_in("sr-latn") == seed_demo.OPEN_TITLE_SR
    assert consultation.summary_in("sr-latn") == seed_demo.OPEN_SUMMARY_SR
    proposal = consultation.proposals.get()
    assert proposal.current_version.languages == ["sq", "sr-latn"]
    html = reader("sr-latn").get(proposal.get_absolute_url()).content.decode()
    assert "Volonterizam" in html and "Savet za saradnju" in html
    # A second run adds nothing.
    before = SectionTextTranslation.objects.count()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Nothing to create" in out.getvalue()
    assert SectionTextTranslation.objects.count() == before
