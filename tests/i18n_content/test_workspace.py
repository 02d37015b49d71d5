"""The officials' side: the consultation's title and summary in other languages, and the page
that publishes a draft's translation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consult.models import Consultation
from consult.services import consultation_create, consultation_update
from proposals.models import SectionTextTranslation
from tests import factories as f

from .conftest import SAMPLE_DRAFT_SR_MD

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    monday = timezone.localdate() + dt.timedelta(days=7 * 8 - timezone.localdate().weekday())
    data = {
        "title": "Projektligji për qasjen në dokumente publike",
        "kind": Consultation.Kind.LAW,
        "summary": "Ligji përcakton të drejtën e qytetarëve për qasje në dokumente.",
        "contact_name": "Arbër Krasniqi",
        "contact_email": "arber.krasniqi@example.org",
        "opens_at": f"{monday.isoformat()}T09:00",
        "closes_at": f"{(monday + dt.timedelta(days=35)).isoformat()}T16:00",
        "short_round_justification": "",
    }
    data.update(overrides)
    return data


# --- the consultation form --------------------------------------------------------------------


def test_the_form_offers_the_other_languages(reader, official):
    html = reader("en", user=official).get(reverse("workspace:create")).content.decode()
    assert "Title in Serbian (Latin)" in html and "Summary in English" in html
    assert "Title in Albanian" not in html  # Albanian is the original by default
    assert 'name="title_sr_latn"' in html and 'lang="sr-Latn"' in html


def test_create_with_translations(reader, official, institution):
    response = reader("en", user=official).post(
        reverse("workspace:create"),
        form_data(
            institution=institution.pk,
            title_sr_latn=" Nacrt zakona o pristupu javnim dokumentima ",
            summary_sr_latn="Zakon utvrđuje pravo građana na pristup dokumentima.",
            title_en="",
            summary_en="The law sets the right of citizens to access documents.",
        ),
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.language == "sq"
    assert consultation.title_translations == {
        "sr-latn": "Nacrt zakona o pristupu javnim dokumentima"
    }
    assert consultation.summary_translations == {
        "sr-latn": "Zakon utvrđuje pravo građana na pristup dokumentima.",
        "en": "The law sets the right of citizens to access documents.",
    }
    assert consultation.title_in("sr-latn") == "Nacrt zakona o pristupu javnim dokumentima"
    assert consultation.title_in("en") == consultation.title  # falls back to the original
    assert consultation.summary_in("en").startswith("The law sets")
    assert consultation.text_languages == ["sq", "sr-latn", "en"]


def test_edit_shows_and_changes_the_translations(reader, official, institution):
    consultation = f.ConsultationFactory(
        institution=institution,
        status=Consultation.Status.DRAFT,
        title_translations={"sr-latn": "Stari naslov"},
    )
    client = reader("en", user=official)
    url = reverse("workspace:edit", kwargs={"slug": consultation.slug})
    assert 'value="Stari naslov"' in client.get(url).content.decode()
    response = client.post(
        url,
        form_data(
            title=consultation.title,
            opens_at=consultation.opens_at.astimezone().strftime("%Y-%m-%dT%H:%M"),
            closes_at=consultation.closes_at.astimezone().strftime("%Y-%m-%dT%H:%M"),
            title_sr_latn="",
            title_en="Draft law on access to public documents",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    consultation.refresh_from_db()
    assert consultation.title_translations == {"en": "Draft law on access to public documents"}
    # The workspace history shows the change readably.
    page = client.get(reverse("workspace:manage", kwargs={"slug": consultation.slug}))
    assert "English: Draft law on access to public documents" in page.content.decode()


def test_a_serbian_original(reader, official, institution):
    client = reader("en", user=official)
    response = client.post(
        reverse("workspace:create"),
        form_data(
            institution=institution.pk,
            language="sr-latn",
            title="Nacrt pravilnika o javnom prevozu",
            title_sq="Projektrregullorja për transportin publik",
        ),
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.language == "sr-latn"
    assert consultation.title_translations == {"sq": "Projektrregullorja për transportin publik"}
    html = client.get(reverse("workspace:edit", kwargs={"slug": consultation.slug})).content
    assert b"Title in Albanian" in html and b"Title in Serbian" not in html


def test_a_translation_in_the_new_original_language_is_a_form_error(reader, official, institution):
    response = reader("en", user=official).post(
        reverse("workspace:create"),
        form_data(institution=institution.pk, language="sr-latn", title_sr_latn="Naslov"),
    )
    assert response.status_code == 200
    assert "is now the language of the original" in response.content.decode()
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title_en": "x" * 251}, "title_en"),
        ({"language": "de"}, "language"),
    ],
)
def test_bad_values_are_form_errors(reader, official, institution, overrides, field):
    response = reader("en", user=official).post(
        reverse("workspace:create"), form_data(institution=institution.pk, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Consultation.objects.exists()


# --- the services' validation -------------------------------------------------------------------


def create(official, institution, **kwargs):
    return consultation_create(
        actor=official,
        institution=institution,
        title="Projektligji",
        kind="law",
        contact_name="A",
        contact_email="a@example.org",
        **kwargs,
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"title_translations": {"de": "Titel"}}, "title_translations", "site's languages"),
        ({"title_translations": {"sq": "Titulli"}}, "title_translations", "original"),
        ({"title_translations": ["sr-latn"]}, "title_translations", "language code"),
        ({"title_translations": {"en": 5}}, "title_translations", "must be text"),
        ({"title_translations": {"en": "x" * 251}}, "title_translations", "the limit is 250"),
        ({"summary_translations": {"en": "x" * 20001}}, "summary_translations", "20000"),
        ({"language": "xx"}, "language", "site's languages"),
    ],
)
def test_services_refuse_bad_translations(official, institution, kwargs, field, message):
    with pytest.raises(ValidationError) as caught:
        create(official, institution, **kwargs)
    assert message in caught.value.message_dict[field][0]
    assert not Consultation.objects.exists()


def test_services_store_clean_translations(official, institution):
    consultation = create(
        official,
        institution,
        title_translations={"en": "  Draft law ", "sr-latn": "Nacrt zakona"},
        summary_translations={"en": "   ", "sr-latn": None},
    )
    assert consultation.title_translations == {"sr-latn": "Nacrt zakona", "en": "Draft law"}
    assert consultation.summary_translations == {}
    # Changing the original language to one that has a translation is refused, nothing saved.
    with pytest.raises(ValidationError) as caught:
        consultation_update(actor=official, consultation=consultation, language="en")
    assert "title_translations" in caught.value.message_dict
    consultation.refresh_from_db()
    assert consultation.language == "sq"


# --- the translation page -----------------------------------------------------------------------


def translation_url(proposal) -> str:
    return reverse(
        "workspace:translation_upload",
        kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug},
    )


def test_the_manage_page_links_to_it(reader, official, translated):
    html = (
        reader("en", user=official)
        .get(reverse("workspace:manage", kwargs={"slug": translated.consultation.slug}))
        .content.decode()
    )
    assert translation_url(translated) in html
    assert "Languages: Shqip, Srpski" in html


def test_publish_a_translation_from_the_workspace(reader, official, proposal):
    client = reader("en", user=official)
    page = client.get(translation_url(proposal)).content.decode()
    assert '<option value="sr-latn">' in page and '<option value="sq">' not in page
    response = client.post(
        translation_url(proposal),
        {"language": "sr-latn", "file": SimpleUploadedFile("sr.md", SAMPLE_DRAFT_SR_MD.encode())},
    )
    assert response.status_code == 302
    assert SectionTextTranslation.objects.filter(language="sr-latn").exists()
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any("translation into Serbian (Latin) of version 1" in m for m in messages)


def test_a_mismatching_translation_is_a_form_error(reader, official, proposal):
    text = SAMPLE_DRAFT_SR_MD.replace("2. Strategija se primenjuje na sva ministarstva.\n", "")
    response = reader("en", user=official).post(
        translation_url(proposal),
        {"language": "sr-latn", "file": SimpleUploadedFile("sr.md", text.encode())},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert "Article 1" in errors[0]
    assert "error-summary" in response.content.decode()
    assert not SectionTextTranslation.objects.exists()


@pytest.mark.parametrize("language", ["sq", "de", ""])
def test_a_bad_language_is_a_form_error(reader, official, proposal, language):
    response = reader("en", user=official).post(
        translation_url(proposal),
        {"language": language, "file": SimpleUploadedFile("sr.md", SAMPLE_DRAFT_SR_MD.encode())},
    )
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert not SectionTextTranslation.objects.exists()


def test_only_officials_of_the_institution(reader, citizen, proposal, other_institution):
    other = f.official_of(other_institution)
    for user in (citizen, other):
        response = reader("en", user=user).post(
            translation_url(proposal),
            {"language": "sr-latn", "file": SimpleUploadedFile("sr.md", b"x")},
        )
        assert response.status_code == 403
    assert not SectionTextTranslation.objects.exists()


def test_the_upload_size_limit_applies(reader, official, proposal, settings):
    settings.DRAFT_UPLOAD_MAX_BYTES = 100
    response = reader("en", user=official).post(
        translation_url(proposal),
        {"language": "sr-latn", "file": SimpleUploadedFile("sr.md", SAMPLE_DRAFT_SR_MD.encode())},
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
