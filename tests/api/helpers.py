"""Helpers for the API tests."""

from __future__ import annotations

import io

from rest_framework.test import APIClient

from tests import factories as f

API = "/api/v1"


def make_client(user=None, **kwargs) -> APIClient:
    """An API client reading English messages (the language cookie wins over the person's
    preferred language), signed in with a session when ``user`` is given."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", **kwargs)
    client.cookies["konsulta_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def consultation_url(consultation) -> str:
    return f"{API}/consultations/{consultation.slug}/"


def proposal_url(proposal, suffix: str = "") -> str:
    return f"{API}/consultations/{proposal.consultation.slug}/proposals/{proposal.slug}/{suffix}"


def import_draft(consultation, official, text: str | None = None, title: str = ""):
    """A draft document imported through the service (the sample strategy by default)."""
    from proposals.services import proposal_import

    data = (text if text is not None else f.SAMPLE_DRAFT_MD).encode()
    return proposal_import(
        actor=official, consultation=consultation, data=data, filename="draft.md", title=title
    )


def docx_bytes(paragraphs: list[tuple[str, str | None]]) -> bytes:
    """A real Word document: ``(text, style)`` paragraphs."""
    import docx

    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
