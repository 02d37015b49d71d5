"""Reading a consultation and its draft in Albanian, Serbian and English: the reader's language
when the text exists in it, the original otherwise, and the "Read in:" switch."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consult.services import consultation_update
from tests import factories as f

pytestmark = pytest.mark.django_db

ORIGINAL_NOTE = "This text is shown in its original language"
SQ_TEXT = "Kjo strategji përcakton parimet e bashkëpunimit"
SR_TEXT = "Ova strategija utvrđuje principe saradnje"


def section_url(proposal, key="neni-1", **query):
    url = reverse(
        "proposals:section",
        kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug, "key": key},
    )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize(
    ("language", "shown", "hidden", "note"),
    [
        ("sq", SQ_TEXT, SR_TEXT, False),
        ("sr-latn", SR_TEXT, SQ_TEXT, False),
        ("en", SQ_TEXT, SR_TEXT, True),  # no English translation: the original, said so
    ],
)
def test_the_draft_in_each_interface_language(translated, reader, language, shown, hidden, note):
    html = reader(language).get(translated.get_absolute_url()).content.decode()
    assert shown in html and hidden not in html
    assert (ORIGINAL_NOTE in html) is note
    if language == "sr-latn":
        assert '<h1 class="page-header__title" lang="sr-Latn">Strategija za saradnju' in html
        assert "Svrha" in html and "Qëllimi" not in html
        assert 'lang="sr-Latn"' in html


def test_the_switch_offers_the_languages_the_text_exists_in(translated, reader):
    html = reader("en").get(translated.get_absolute_url()).content.decode()
    assert "Read in:" in html
    assert f'href="{translated.get_absolute_url()}?text=sr-latn"' in html
    assert '<strong lang="sq" aria-current="true">Shqip</strong>' in html
    assert "English</a>" not in html  # no English text to switch to


def test_no_switch_without_a_translation(proposal, reader):
    html = reader("sq").get(proposal.get_absolute_url()).content.decode()
    assert "Read in:" not in html and ORIGINAL_NOTE not in html
    assert SQ_TEXT in html


def test_text_parameter_overrides_the_interface_language_for_the_text_only(translated, reader):
    url = translated.get_absolute_url()
    html = reader("en").get(url + "?text=sr-latn").content.decode()
    assert SR_TEXT in html and SQ_TEXT not in html
    assert "Votes on the whole draft" in html  # the interface stays English
    # Links to the articles carry the choice on.
    assert section_url(translated, "neni-1", text="sr-latn") in html
    # And back to Albanian with ?text=sq while the interface is Serbian.
    html = reader("sr-latn").get(url + "?text=sq").content.decode()
    assert SQ_TEXT in html and SR_TEXT not in html


@pytest.mark.parametrize("value", ["de", "", "sr", "<script>"])
def test_a_bad_text_parameter_is_ignored(translated, reader, value):
    response = reader("sr-latn").get(translated.get_absolute_url(), {"text": value})
    assert response.status_code == 200
    assert SR_TEXT in response.content.decode()


def test_asking_for_a_missing_language_shows_the_original_with_the_note(translated, reader):
    html = reader("sq").get(translated.get_absolute_url() + "?text=en").content.decode()
    assert SQ_TEXT in html
    # The interface is Albanian: the note is in Albanian or, untranslated, in English.
    assert 'class="muted small text-languages__note"' in html


def test_the_article_page_in_serbian(translated, reader):
    html = reader("en").get(section_url(translated, "neni-2", text="sr-latn")).content.decode()
    assert "Definicije" in html and "Organizacija civilnog društva" in html
    assert "Përkufizimet" not in html
    # The pager names the neighbours in Serbian and keeps the choice.
    assert "Svrha" in html and "Javno finansiranje" in html
    assert section_url(translated, "neni-3", text="sr-latn") in html


def test_a_part_of_an_article_in_serbian(translated, reader):
    html = reader("sr-latn").get(section_url(translated, "neni-2-1")).content.decode()
    assert "Izrazi upotrebljeni u ovoj strategiji" in html


def test_the_consultation_page_and_cards(translated, reader, official):
    consultation = consultation_update(
        actor=official,
        consultation=translated.consultation,
        title_translations={"sr-latn": "Nacrt strategije za civilno društvo"},
        summary_translations={"sr-latn": "Kratak pregled dokumenta.", "en": "A short summary."},
    )
    url = consultation.get_absolute_url()
    html = reader("sr-latn").get(url).content.decode()
    assert "Nacrt strategije za civilno društvo" in html
    assert "Kratak pregled dokumenta." in html
    assert "Svrha" in html  # the outline of the draft, in Serbian
    assert "Strategija za saradnju sa civilnim društvom" in html  # the document's own title
    html = reader("en").get(url).content.decode()
    assert "A short summary." in html
    assert consultation.title in html  # no English title: the original
    html = reader("sq").get(url).content.decode()
    assert consultation.title in html and "Përmbledhje e shkurtër" in html
    assert "Nacrt strategije" not in html
    for page in ("consult:home", "consult:list"):
        html = reader("sr-latn").get(reverse(page)).content.decode()
        assert 'lang="sr-Latn">Nacrt strategije za civilno društvo</a>' in html
        html = reader("sq").get(reverse(page)).content.decode()
        assert f'lang="sq">{consultation.title}</a>' in html


def test_the_list_finds_a_consultation_by_its_translated_title(reader, official, institution):
    consultation = f.ConsultationFactory(institution=institution)
    consultation_update(
        actor=official,
        consultation=consultation,
        title_translations={"sr-latn": "Zakon o udruženjima građana"},
        summary_translations={"en": "Associations of citizens and their registration."},
    )
    f.ConsultationFactory(institution=institution, title="Tjetër")
    for q in ("udruženjima", "REGISTRATION"):
        html = reader("en").get(reverse("consult:list"), {"q": q}).content.decode()
        assert "1 consultation" in html, q


def test_the_version_pages_and_history_still_work(translated, reader):
    kwargs = {"slug": translated.consultation.slug, "proposal": translated.slug}
    for name in ("proposals:versions", "proposals:history"):
        assert reader("sr-latn").get(reverse(name, kwargs=kwargs)).status_code == 200


def test_translated_texts_are_escaped(proposal, reader, official, translate):
    from .conftest import SAMPLE_DRAFT_SR_MD

    consultation_update(
        actor=official,
        consultation=proposal.consultation,
        title_translations={"sr-latn": "Naslov <script>alert(1)</script>"},
        summary_translations={"sr-latn": "<img src=x onerror=alert(2)>"},
    )
    translate(proposal, SAMPLE_DRAFT_SR_MD.replace("Svrha", "Svrha <b onclick=x>"))
    for url in (
        proposal.consultation.get_absolute_url(),
        proposal.get_absolute_url(),
        section_url(proposal),
        reverse("consult:list"),
    ):
        html = reader("sr-latn").get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html, url
        assert "<b onclick" not in html, url
    html = reader("sr-latn").get(proposal.get_absolute_url()).content.decode()
    assert "Svrha &lt;b onclick=x&gt;" in html
