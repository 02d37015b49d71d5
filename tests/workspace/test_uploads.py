"""Uploading draft documents and new versions from the workspace."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.models import Proposal, ProposalVersion, Section
from tests import factories as f

from .conftest import build_docx


def _upload_url(consultation) -> str:
    return reverse("workspace:draft_upload", kwargs={"slug": consultation.slug})


def _version_url(proposal) -> str:
    return reverse(
        "workspace:version_upload",
        kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug},
    )


@pytest.fixture
def en_client(login, official):
    client = login(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_docx_imports_its_articles(en_client, open_consultation, docx_bytes):
    upload = SimpleUploadedFile("rregullore.docx", docx_bytes)
    response = en_client.post(
        _upload_url(open_consultation), {"title": "", "kind": "draft_act", "file": upload}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "workspace:manage", kwargs={"slug": open_consultation.slug}
    )
    proposal = Proposal.objects.get(consultation=open_consultation)
    assert proposal.title == "Rregullore për transparencën e shpenzimeve komunale"
    articles = Section.objects.filter(proposal=proposal, kind="article")
    assert sorted(articles.values_list("number", flat=True)) == ["1", "2", "3"]
    assert proposal.current_version.source_name == "rregullore.docx"
    page = en_client.get(response["Location"])
    messages = [str(m) for m in page.context["messages"]]
    assert any("3 articles" in m for m in messages)


def test_title_and_kind_from_the_form(en_client, open_consultation, draft_md):
    upload = SimpleUploadedFile("memo.md", draft_md)
    en_client.post(
        _upload_url(open_consultation),
        {"title": "Memorandumi shpjegues", "kind": "explanatory_memorandum", "file": upload},
    )
    proposal = Proposal.objects.get(consultation=open_consultation)
    assert proposal.title == "Memorandumi shpjegues"
    assert proposal.kind == Proposal.Kind.EXPLANATORY_MEMORANDUM


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("ligji.docx", "Neni 1\nKjo nuk është Word.".encode(), "not a Word"),
        ("ligji.md", b"", "empty"),
        ("ligji.md", "# Ligji\n\nVetëm tekst i lirë, pa asnjë nen.\n".encode(), "article"),
        ("ligji.pdf", b"%PDF-1.4 fake", "unsupported format"),
        ("ligji.md", b"\xff\xfe\x00N\x00e\x00n\x00i", "UTF-8"),
    ],
    ids=["text-renamed-docx", "empty", "no-articles", "pdf", "not-utf8"],
)
def test_bad_files_are_form_errors_and_store_nothing(
    en_client, open_consultation, name, content, expected
):
    before = (Proposal.objects.count(), Section.objects.count(), ProposalVersion.objects.count())
    upload = SimpleUploadedFile(name, content)
    response = en_client.post(
        _upload_url(open_consultation), {"title": "", "kind": "draft_act", "file": upload}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(expected.lower() in e.lower() for e in errors), errors
    assert "error-summary" in response.content.decode()
    after = (Proposal.objects.count(), Section.objects.count(), ProposalVersion.objects.count())
    assert after == before


def test_every_import_problem_is_listed_with_its_line(en_client, open_consultation):
    text = "# Ligji\n\nNeni 1\nQëllimi\n\n1. Parimi.\n1. Përsëri.\n\nNeni 1\nPërsëri\n"
    upload = SimpleUploadedFile("ligji.md", text.encode())
    response = en_client.post(
        _upload_url(open_consultation), {"title": "", "kind": "draft_act", "file": upload}
    )
    errors = response.context["form"].errors["file"]
    assert len(errors) >= 2
    assert all("line" in e for e in errors), errors
    body = response.content.decode()
    for error in errors:
        assert str(error).split(":")[0] in body
    assert not Proposal.objects.exists()


def test_missing_file(en_client, open_consultation):
    response = en_client.post(_upload_url(open_consultation), {"title": "", "kind": "draft_act"})
    assert "file" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_oversized_upload_is_skipped_while_streaming(en_client, open_consultation, settings):
    settings.DRAFT_UPLOAD_MAX_BYTES = 100 * 1024
    content = ("Neni 1\nTekst i gjatë me ë dhe ç.\n" * 8000).encode()
    assert len(content) > settings.DRAFT_UPLOAD_MAX_BYTES
    upload = SimpleUploadedFile("ligji.md", content)
    response = en_client.post(
        _upload_url(open_consultation),
        {"title": "Ligji i madh", "kind": "draft_act", "file": upload},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert any("larger than the limit" in e for e in form.errors["file"])
    # The fields before the file arrived: the person does not retype them.
    assert form["title"].value() == "Ligji i madh"
    # The handler cut the file off: it never reached the view.
    request = response.wsgi_request
    assert request.draft_size_handler.too_large is not None
    assert "file" not in request.FILES
    assert not Proposal.objects.exists()


def test_size_is_checked_by_the_form_too(open_consultation, settings):
    """When no handler could be installed, the form refuses a large file by its size."""
    from consult.forms import DraftUploadForm

    settings.DRAFT_UPLOAD_MAX_BYTES = 10
    form = DraftUploadForm(
        {"title": "", "kind": "draft_act"},
        {"file": SimpleUploadedFile("ligji.md", b"Neni 1\nTekst me shume bajte.")},
    )
    assert not form.is_valid()
    assert "file" in form.errors


def test_upload_checks_csrf(official, open_consultation, draft_md):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    upload = SimpleUploadedFile("ligji.md", draft_md)
    response = client.post(
        _upload_url(open_consultation), {"title": "", "kind": "draft_act", "file": upload}
    )
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_citizen_cannot_upload(citizen, open_consultation, draft_md, login):
    upload = SimpleUploadedFile("ligji.md", draft_md)
    response = login(citizen).post(
        _upload_url(open_consultation), {"title": "", "kind": "draft_act", "file": upload}
    )
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_other_official_cannot_upload(other_official, open_consultation, draft_md, login):
    upload = SimpleUploadedFile("ligji.md", draft_md)
    response = login(other_official).post(
        _upload_url(open_consultation), {"title": "", "kind": "draft_act", "file": upload}
    )
    assert response.status_code == 403
    assert not Proposal.objects.exists()


REVISED_MD = f.SAMPLE_DRAFT_MD.replace(
    "Institucionet ndajnë fonde për organizatat përmes thirrjeve të hapura.",
    "Institucionet ndajnë së paku 2% të buxhetit për organizatat përmes thirrjeve të hapura.",
)


def test_new_version_redirects_to_the_diff(en_client, proposal):
    upload = SimpleUploadedFile("strategjia-v2.md", REVISED_MD.encode())
    note = "Neni 3 përcakton tani shumën minimale të financimit."
    response = en_client.post(_version_url(proposal), {"note": note, "file": upload})
    assert response.status_code == 302
    diff = reverse(
        "proposals:diff", kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug}
    )
    assert response["Location"] == f"{diff}?from=1&to=2"
    proposal.refresh_from_db()
    assert proposal.current_version.number == 2
    assert proposal.current_version.note == note
    assert proposal.current_version.created_by is not None


def test_new_version_needs_a_note(en_client, proposal):
    upload = SimpleUploadedFile("strategjia-v2.md", REVISED_MD.encode())
    response = en_client.post(_version_url(proposal), {"note": "  ", "file": upload})
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    assert proposal.versions.count() == 1


def test_new_version_with_a_bad_file_stores_nothing(en_client, proposal):
    sections_before = list(Section.objects.filter(proposal=proposal).values_list("key", "body"))
    upload = SimpleUploadedFile("strategjia-v2.docx", b"PK\x03\x04 jo zip i vertete")
    response = en_client.post(_version_url(proposal), {"note": "Ndryshime.", "file": upload})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert proposal.versions.count() == 1
    assert list(Section.objects.filter(proposal=proposal).values_list("key", "body")) == (
        sections_before
    )


def test_new_version_as_docx(en_client, proposal):
    data = build_docx(
        [
            ("Strategjia për bashkëpunim me shoqërinë civile", "Title"),
            ("Neni 1", None),
            ("Qëllimi", None),
            ("1. Kjo strategji përcakton parimet e bashkëpunimit.", None),
        ]
    )
    upload = SimpleUploadedFile("strategjia-v2.docx", data)
    response = en_client.post(
        _version_url(proposal), {"note": "Version i shkurtuar.", "file": upload}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?from=1&to=2")
