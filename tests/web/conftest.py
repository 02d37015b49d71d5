"""Fixtures for the public pages: drafts of any size, votes in bulk, signed-in clients."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from proposals.models import Section, Vote
from tests import factories as f

# A <script> without src that is not a JSON data block (data blocks are never executed).
INLINE_SCRIPT_RE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.IGNORECASE
)


def draft_markdown(n_articles: int, *, title: str = "Projektligji për çështjet e shoqërisë") -> str:
    """A draft with two chapters and ``n_articles`` articles of two paragraphs each."""
    lines = [f"# {title}", "", "KAPITULLI I", "DISPOZITAT E PËRGJITHSHME", ""]
    for n in range(1, n_articles + 1):
        if n == n_articles // 2 + 1:
            lines += ["KAPITULLI II", "ZBATIMI", ""]
        lines += [
            f"Neni {n}",
            f"Çështja {n}",
            "",
            f"1. Ky nen përcakton rregullat e bashkëpunimit për çështjen {n}.",
            "2. Institucionet zbatojnë këtë dispozitë në përputhje me ligjin.",
            "",
        ]
    return "\n".join(lines)


@pytest.fixture
def make_proposal(official):
    """Import a draft with ``n`` articles into a consultation through the service."""
    from proposals.services import proposal_import

    def make(consultation, n_articles: int = 5, **kwargs):
        return proposal_import(
            actor=official,
            consultation=consultation,
            data=draft_markdown(n_articles).encode(),
            filename="draft.md",
            **kwargs,
        )

    return make


@pytest.fixture
def add_votes():
    """``n`` people vote on every article of a proposal and on the whole draft (bulk set-up)."""

    def add(proposal, n_people: int):
        users = f.UserFactory.create_batch(n_people)
        articles = list(Section.objects.filter(proposal=proposal, kind="article", is_current=True))
        choices = ["for", "against", "abstain"]
        rows = []
        for i, user in enumerate(users):
            rows.append(Vote(user=user, proposal=proposal, choice=choices[i % 3]))
            for j, article in enumerate(articles):
                rows.append(
                    Vote(user=user, proposal=proposal, section=article, choice=choices[(i + j) % 3])
                )
        Vote.objects.bulk_create(rows)
        return users

    return add


@pytest.fixture
def client_for():
    """A test client signed in as ``user`` (or anonymous for ``None``)."""

    def make(user=None) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.cookies["konsulta_language"] = "en"  # wins over the preferred language
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def closed_consultation(institution):
    import datetime as dt

    from django.utils import timezone

    from consult.models import Consultation

    return f.ConsultationFactory(
        institution=institution,
        status=Consultation.Status.CLOSED,
        opens_at=timezone.now() - dt.timedelta(days=40),
        closes_at=timezone.now() - dt.timedelta(days=2),
    )


def assert_no_inline_script(html: str) -> None:
    found = INLINE_SCRIPT_RE.findall(html)
    assert not found, f"inline <script> found: {found}"
