"""Fixtures for the public comment pages: signed-in clients, comments written through the
services, article URLs, and a check that a page holds no executable markup."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import services
from consult.models import Consultation
from tests import factories as f


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Most tests post several comments as one person; the rate-limit test sets its own."""
    settings.COMMENT_RATE_LIMIT = "1000/600"


@pytest.fixture
def client_for():
    """A test client signed in as ``user`` (``None``: anonymous), with pages in English unless
    another ``language`` is asked for."""

    def make(user=None, language: str = "en") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.cookies["konsulta_language"] = "en"  # wins over the preferred language
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def article(proposal):
    return proposal.sections.get(key="neni-1")


@pytest.fixture
def second_citizen(db):
    return f.UserFactory()


@pytest.fixture
def cso(db):
    return f.OrganisationFactory(name="Lëvizja Çohu për Transparencë")


@pytest.fixture
def representative(cso):
    return f.representative_of(cso)


@pytest.fixture
def moderator(db):
    return f.moderator()


def section_url(proposal, key: str = "neni-1", query: str = "") -> str:
    url = reverse(
        "proposals:section",
        kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug, "key": key},
    )
    return url + query


def new_comment_url(proposal) -> str:
    return reverse(
        "comments:comment_new",
        kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug},
    )


def comment_data(**overrides) -> dict:
    data = {
        "stance": "for",
        "body": "Propozoj që neni të përfshijë edhe komunat e vogla.",
        "consent": "name",
        "participant_type": "citizen",
        "section": "neni-1",
        "token": "",
    }
    data.update(overrides)
    return data


def make_comment(actor, proposal, section=None, **kwargs):
    data = {
        "body": "Mendoj se ky nen duhet të jetë më i qartë për qytetarët.",
        "stance": "for",
        "consent": "name",
        "participant_type": "citizen",
    }
    data.update(kwargs)
    return services.comment_create(actor=actor, proposal=proposal, section=section, **data)


def close(consultation):
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(minutes=1),
    )
    consultation.refresh_from_db()


class _Markup(HTMLParser):
    """Collects what a browser would execute: inline scripts, event-handler attributes, and
    URLs with a ``javascript:`` scheme (text content is not markup and is ignored)."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            self.found.append("inline <script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in self.URL_ATTRIBUTES and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "img", "svg"):
            self.found.append(f"<{tag}>")

    handle_startendtag = handle_starttag


def executable_markup(html: str) -> list[str]:
    parser = _Markup()
    parser.feed(html)
    return parser.found


@pytest.fixture
def make_other_proposal(official):
    """A draft in another open consultation of another institution."""
    from proposals.services import proposal_import

    def make():
        institution = f.InstitutionFactory()
        other_official = f.official_of(institution)
        consultation = f.ConsultationFactory(institution=institution)
        return proposal_import(
            actor=other_official,
            consultation=consultation,
            data=f.SAMPLE_DRAFT_MD.encode(),
            filename="draft.md",
        )

    return make
