"""Uploads over HTTP: what is accepted is decided by content, parse and size, never by the name
or the declared content type, and the stored name is always generated.

Already covered and not repeated here: empty, non-PDF and damaged PDFs and the size limit at the
service (``tests/comments/test_services.py``), the size limit before the body is read over the
API (``tests/api_comments/test_position_papers.py``) and on the page
(``tests/web_comments/test_position_papers.py``), draft files that are not what their name says
(``tests/workspace/test_uploads.py``, ``tests/proposals/test_importer.py``) and draft size limits
(``tests/workspace/test_uploads.py``, ``tests/api/test_proposals.py``).

Here: names that try to leave the media directory or carry markup, a declared content type that
lies, a non-PDF named ``.pdf`` (the error in the person's language, nothing stored), and the
same for draft imports.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comments.models import PositionPaper
from proposals.models import Proposal
from tests import factories as f
from tests.api.helpers import API, make_client
from tests.comments.conftest import make_pdf
from tests.factories import clear_cache

pytestmark = pytest.mark.django_db

TRAVERSAL_NAMES = [
    "../../../../etc/passwd.pdf",
    "..\\..\\windows\\win.ini.pdf",
    "<script>alert(1)</script>.pdf",
    "qëndrimi ynë; rm -rf.pdf",
    "/absolute/path/qendrimi.pdf",
]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    clear_cache()


@pytest.fixture
def cso(db):
    return f.OrganisationFactory()


@pytest.fixture
def representative(cso):
    return f.representative_of(cso)


def papers_url(consultation) -> str:
    return f"{API}/consultations/{consultation.slug}/position-papers/"


def paper_form(cso, data: bytes, name: str, content_type: str = "application/pdf") -> dict:
    return {
        "organisation": cso.slug,
        "title": "Qëndrimi i organizatës",
        "summary": "Përmbledhje e qëndrimit.",
        "attachment": SimpleUploadedFile(name, data, content_type=content_type),
    }


def media_files(settings) -> list:
    media = settings.MEDIA_ROOT
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize("name", TRAVERSAL_NAMES)
def test_paper_names_never_come_from_the_user(settings, proposal, cso, representative, name):
    response = make_client(representative).post(
        papers_url(proposal.consultation), paper_form(cso, make_pdf(), name)
    )
    assert response.status_code == 201, response.data
    stored = PositionPaper.objects.get().attachment.name
    for part in ("..", "passwd", "win.ini", "script", "rm -rf", "absolute", "\\"):
        assert part not in stored
    files = media_files(settings)
    assert len(files) == 1
    assert files[0].resolve().is_relative_to(settings.MEDIA_ROOT.resolve())
    download = make_client().get(response.data["attachment_url"])
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "passwd" not in disposition and "<" not in disposition and ".." not in disposition


@pytest.mark.parametrize(
    "data, content_type",
    [
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "application/pdf"),  # an image that says PDF
        (b"<html><script>alert(1)</script></html>", "application/pdf"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF", "application/pdf"),
    ],
)
def test_the_declared_content_type_is_not_believed(
    settings, proposal, cso, representative, data, content_type
):
    response = make_client(representative).post(
        papers_url(proposal.consultation),
        paper_form(cso, data, "qendrimi.pdf", content_type),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "attachment" in response.data
    assert PositionPaper.objects.count() == 0
    assert media_files(settings) == []


def test_a_real_pdf_with_another_declared_type_and_name_is_judged_by_content(
    proposal, cso, representative
):
    response = make_client(representative).post(
        papers_url(proposal.consultation),
        paper_form(cso, make_pdf(), "dokumenti.txt", "text/plain"),
    )
    assert response.status_code == 201, response.data
    assert PositionPaper.objects.get().attachment.name.endswith(".pdf")


def test_a_text_file_named_pdf_is_refused_in_the_persons_language(
    settings, proposal, cso, representative
):
    data = b"Hello, I am a text file renamed .pdf"
    english = make_client(representative).post(
        papers_url(proposal.consultation),
        paper_form(cso, data, "qendrimi.pdf"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    in_albanian = make_client(representative)
    in_albanian.cookies["konsulta_language"] = "sq"
    albanian = in_albanian.post(
        papers_url(proposal.consultation),
        paper_form(cso, data, "qendrimi.pdf"),
        HTTP_ACCEPT_LANGUAGE="sq",
    )
    assert english.status_code == albanian.status_code == 400
    english_message = str(english.data["attachment"][0])
    albanian_message = str(albanian.data["attachment"][0])
    assert "PDF" in english_message
    assert english_message != albanian_message  # translated, not the English text
    assert PositionPaper.objects.count() == 0
    assert media_files(settings) == []


@pytest.mark.parametrize("name", ["../../projekti.md", "..\\projekti.md", "<b>x</b>.md"])
def test_draft_import_names_never_come_from_the_user(settings, official, open_consultation, name):
    response = make_client(official).post(
        f"{API}/consultations/{open_consultation.slug}/proposals/",
        {"file": SimpleUploadedFile(name, f.SAMPLE_DRAFT_MD.encode())},
    )
    assert response.status_code == 201, response.data
    proposal = Proposal.objects.get()
    assert ".." not in proposal.slug and "<" not in proposal.slug
    for path in media_files(settings):
        assert path.resolve().is_relative_to(settings.MEDIA_ROOT.resolve())
        assert "projekti" not in path.name and "<" not in path.name


def test_a_docx_that_is_not_a_zip_is_refused_and_nothing_is_stored(
    settings, official, open_consultation
):
    response = make_client(official).post(
        f"{API}/consultations/{open_consultation.slug}/proposals/",
        {"file": SimpleUploadedFile("projekti.docx", b"PK\x03\x04 not really a zip")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "file" in response.data
    assert Proposal.objects.count() == 0
    assert media_files(settings) == []
