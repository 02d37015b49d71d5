from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from tests import factories as f


@pytest.fixture
def article(proposal):
    return proposal.sections.get(key="neni-1")


@pytest.fixture
def second_citizen(db):
    return f.UserFactory()


@pytest.fixture
def cso(db):
    return f.OrganisationFactory()


@pytest.fixture
def representative(cso):
    return f.representative_of(cso)


@pytest.fixture
def moderator(db):
    from django.contrib.auth.models import Group

    user = f.UserFactory()
    user.groups.add(Group.objects.get_or_create(name="moderators")[0])
    return user


def make_pdf(text: str = "Qëndrimi ynë për nenin 1") -> bytes:
    """A real one-page PDF with extractable text (pypdf writes it; no external tool)."""
    from pypdf.generic import (
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    stream = DecodedStreamObject()
    safe = text.encode("cp1252", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream.set_data(b"BT /F1 14 Tf 72 760 Td (" + safe + b") Tj ET")
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def pdf_bytes() -> bytes:
    return make_pdf()
