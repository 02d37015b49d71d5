from __future__ import annotations

import pytest

from tests import factories as f

pytest_plugins = ["tests.browser"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Fast hashing in tests; production keeps Django's default (PBKDF2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def institution(db):
    return f.InstitutionFactory()


@pytest.fixture
def other_institution(db):
    return f.InstitutionFactory()


@pytest.fixture
def official(institution):
    return f.official_of(institution)


@pytest.fixture
def citizen(db):
    return f.UserFactory()


@pytest.fixture
def unverified(db):
    return f.UserFactory(email_verified=False)


@pytest.fixture
def staff(db):
    return f.UserFactory(is_staff=True)


@pytest.fixture
def open_consultation(institution):
    return f.ConsultationFactory(institution=institution)


@pytest.fixture
def draft_md() -> bytes:
    return f.SAMPLE_DRAFT_MD.encode()


@pytest.fixture
def proposal(open_consultation, official, draft_md):
    """An open consultation with the sample draft imported through the service."""
    from proposals.services import proposal_import

    return proposal_import(
        actor=official, consultation=open_consultation, data=draft_md, filename="draft.md"
    )


@pytest.fixture
def client():
    """The test client reads pages in English, the language the assertions are written in.

    Real visitors get Albanian by default; tests/i18n checks that, and the Albanian and Serbian
    pages, explicitly (a request's own Accept-Language or language cookie wins over this).
    """
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["konsulta_language"] = "en"  # wins over a signed-in person's preference
    return client
