from __future__ import annotations

import pytest
from django.conf import settings

from comments import services
from comments.models import (
    Comment,
    Flag,
    OfficialResponse,
    Participant,
    PositionPaper,
    PositionPaperPoint,
)
from comments.rendering import render_markdown
from tests import factories as f
from tests.comments.conftest import make_pdf


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    settings.COMMENT_RATE_LIMIT = "1000/60"
    settings.FLAG_RATE_LIMIT = "1000/60"


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in (``None``: stays anonymous); pages in English."""

    def _login(user):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return _login


@pytest.fixture
def consultation(proposal):
    return proposal.consultation


@pytest.fixture
def article(proposal):
    return proposal.sections.get(key="neni-1")


@pytest.fixture
def paragraph(proposal):
    return proposal.sections.get(key="neni-1-2")


@pytest.fixture
def other_official(other_institution):
    return f.official_of(other_institution)


@pytest.fixture
def moderator(db):
    return f.moderator()


@pytest.fixture
def cso(db):
    return f.OrganisationFactory(name="Instituti për Politika Demokratike")


@pytest.fixture
def representative(cso):
    return f.representative_of(cso, display_name="Teuta Krasniqi")


def make_comment(author, proposal, **kw):
    data = {
        "body": "Propozoj që neni të përfshijë edhe komunat e vogla.",
        "stance": "for",
        "consent": "name",
        "participant_type": "citizen",
    }
    data.update(kw)
    return services.comment_create(actor=author, proposal=proposal, **data)


@pytest.fixture
def comment(citizen, proposal, paragraph):
    return make_comment(
        citizen,
        proposal,
        section=paragraph,
        stance="against",
        body="Strategjia duhet të zbatohet edhe nga komunat.",
        proposed_wording="Strategjia zbatohet për të gjitha ministritë dhe komunat.",
    )


@pytest.fixture
def paper(representative, cso, consultation, article):
    return services.position_paper_submit(
        actor=representative,
        consultation=consultation,
        organisation=cso,
        title="Qëndrimi ynë për strategjinë",
        summary="Mbështesim strategjinë me disa ndryshime.",
        pdf=make_pdf(),
        points={"neni-1": "Neni 1 duhet të përmendë komunat."},
    )


def bulk_submissions(consultation, proposal, official, n: int, *, papers: int = 3, tag="B"):
    """``n`` comments (every third answered, a few flagged) and ``papers`` position papers,
    written with bulk_create: a large consultation for the query-count tests."""
    sections = list(proposal.sections.filter(is_current=True).order_by("position"))
    cso = f.OrganisationFactory()
    rep = f.representative_of(cso)
    made_papers = PositionPaper.objects.bulk_create(
        PositionPaper(
            consultation=consultation,
            organisation=cso,
            submitted_by=rep,
            title=f"Qëndrimi {i}",
            summary="Përmbledhje e qëndrimit.",
            attachment="position-papers/test.pdf",
            tracking_number=f"KON-1999-{tag}P{i:05d}",
        )
        for i in range(papers)
    )
    PositionPaperPoint.objects.bulk_create(
        PositionPaperPoint(paper=p, section=sections[(i % len(sections))], text="Pikë.")
        for i, p in enumerate(made_papers)
    )
    people = [f.UserFactory() for _ in range(10)]
    start = (Participant.objects.filter(consultation=consultation).count() or 0) + 1
    participants = Participant.objects.bulk_create(
        Participant(consultation=consultation, user=u, number=start + i)
        for i, u in enumerate(people)
    )
    body = "Një koment për nenin, me shkronjat ë dhe ç."
    comments = Comment.objects.bulk_create(
        Comment(
            consultation=consultation,
            proposal=proposal,
            section=sections[i % len(sections)] if i % 5 else None,
            author=people[i % 10],
            participant=participants[i % 10],
            consent=["name", "hidden"][i % 2],
            participant_type=["citizen", "business", "academic"][i % 3],
            stance=["for", "against", "neutral"][i % 3],
            body=body,
            body_html=render_markdown(body),
            proposed_wording="Teksti i ri i nenit." if i % 4 == 0 else "",
            tracking_number=f"KON-1999-{tag}{i:06d}",
            status="hidden" if i % 11 == 0 else "published",
            hidden_reason="spam" if i % 11 == 0 else "",
        )
        for i in range(n)
    )
    OfficialResponse.objects.bulk_create(
        OfficialResponse(
            consultation=consultation,
            comment=c,
            outcome="rejected",
            justification="Nuk pranohet.",
            responded_by=official,
            reflected_in=sections[0],
        )
        for c in comments[::3]
    )
    Flag.objects.bulk_create(
        Flag(user=people[(i + j + 1) % 10], comment=c, reason="abuse", note="Fyese.")
        for i, c in enumerate(comments[::7])
        for j in range(2)
    )
    Comment.objects.filter(pk__in=[c.pk for c in comments[::7]]).update(flag_count=2)
    return comments, made_papers
