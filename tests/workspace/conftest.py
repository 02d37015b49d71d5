from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.utils import timezone

from consult.models import Consultation
from tests import factories as f


@pytest.fixture
def other_official(other_institution):
    """An official, but of another institution."""
    return f.official_of(other_institution)


@pytest.fixture
def draft_consultation(institution):
    now = timezone.now()
    return f.ConsultationFactory(
        institution=institution,
        status=Consultation.Status.DRAFT,
        opens_at=now + dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=60),
    )


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as ``user`` (or stays anonymous for None). The
    pages are asked for in English, so that tests can check messages whatever catalogues exist."""

    def _login(user):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return _login


def build_docx(paragraphs: list[tuple[str, str | None]]) -> bytes:
    """A real Word document: ``(text, style)`` pairs, style ``None`` for body text."""
    import docx

    document = docx.Document()
    for text, style in paragraphs:
        if style:
            document.add_paragraph(text, style=style)
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def docx_bytes() -> bytes:
    return build_docx(
        [
            ("Rregullore për transparencën e shpenzimeve komunale", "Title"),
            ("Kuvendi i Komunës, në mbështetje të Statutit, miraton:", None),
            ("Neni 1", None),
            ("Qëllimi", None),
            ("1. Kjo rregullore përcakton publikimin e shpenzimeve të komunës.", None),
            ("2. Rregullorja zbatohet për të gjitha drejtoritë.", None),
            ("Neni 2", None),
            ("Publikimi", None),
            ("1. Çdo shpenzim publikohet brenda shtatë ditëve.", None),
            ("Neni 3", None),
            ("Hyrja në fuqi", None),
            ("Kjo rregullore hyn në fuqi pas miratimit.", None),
        ]
    )
