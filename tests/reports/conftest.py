"""A consultation that went through a whole round, for the report tests.

Built through the services while it is open (comments, a reply, a hidden and a withdrawn comment,
a position paper, votes), then closed by its official and partly answered. What each test can
count on is spelled out in ``Round``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from comments import services as comment_services
from comments.models import Comment, PositionPaper
from consult import services as consult_services
from consult.models import Consultation
from proposals import services as proposal_services
from proposals.models import Proposal, Section
from tests import factories as f
from tests.comments.conftest import make_pdf

HIDDEN_NAME = "Fshehur Anonimi"
HIDDEN_EMAIL = "fshehur.anonimi@example.org"  # the first round of a test; later ones add a number
_rounds = itertools.count()


@pytest.fixture(autouse=True)
def _first_round_of_each_test():
    """Each test's first ``build_round`` uses the plain addresses (the database is fresh)."""
    global _rounds
    _rounds = itertools.count()


@dataclass
class Round:
    consultation: Consultation
    proposal: Proposal
    official: object
    named: object  # citizen, consent "name", Prishtinë
    hidden: object  # citizen, consent "hidden", Germany
    business: object
    representative: object  # of a verified CSO
    comment_named: Comment  # neni-1, for, proposed wording -> accepted (reflected in neni-1)
    comment_hidden_consent: Comment  # neni-3, against -> rejected
    comment_paragraph: Comment  # neni-1-2 (a paragraph of neni-1), against, not answered
    comment_whole: Comment  # whole draft, neutral, business -> noted
    reply: Comment  # named's reply to comment_hidden_consent (neni-3), for
    comment_moderated: Comment  # neni-2, neutral, hidden by moderation (spam)
    comment_withdrawn: Comment  # neni-2, withdrawn by its author
    paper: PositionPaper  # points on neni-1 and neni-3 -> partially accepted


@pytest.fixture
def client_for():
    """A client (signed in as ``user``) whose interface is in English, so that tests can read
    the page's own words; the report's language is chosen with ``?lang=``."""

    def make(user=None) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.cookies["konsulta_language"] = "en"  # wins over the preferred language
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return make


def comment(actor, proposal, key=None, **kwargs):
    section = Section.objects.get(proposal=proposal, key=key) if key else None
    kwargs.setdefault("stance", "neutral")
    kwargs.setdefault("consent", "name")
    kwargs.setdefault("participant_type", "citizen")
    kwargs.setdefault("body", "Një koment me ë dhe ç për nenin.")
    return comment_services.comment_create(
        actor=actor, proposal=proposal, section=section, **kwargs
    )


def build_round(institution, official, *, responses_visibility="immediate") -> Round:
    consultation = f.ConsultationFactory(
        institution=institution, responses_visibility=responses_visibility
    )
    proposal = proposal_services.proposal_import(
        actor=official,
        consultation=consultation,
        data=f.SAMPLE_DRAFT_MD.encode(),
        filename="draft.md",
    )
    n = next(_rounds)
    suffix = f"{n}" if n else ""
    named = f.UserFactory(display_name="Drita Emërplotë", email=f"drita.emer{suffix}@example.org")
    hidden = f.UserFactory(display_name=HIDDEN_NAME, email=HIDDEN_EMAIL.replace("@", f"{suffix}@"))
    business = f.UserFactory()
    moderated_author = f.UserFactory()
    withdrawing = f.UserFactory()
    cso = f.OrganisationFactory()
    representative = f.representative_of(cso)
    moderator = f.moderator()

    c_named = comment(
        named,
        proposal,
        "neni-1",
        stance="for",
        municipality="Prishtinë",
        proposed_wording="1. Kjo strategji përcakton parimet e reja.",
        body="Mbështes qëllimin e strategjisë.",
    )
    c_hidden = comment(
        hidden,
        proposal,
        "neni-3",
        stance="against",
        consent="hidden",
        country="DE",
        body="Financimi duhet të jetë më transparent.",
    )
    c_paragraph = comment(hidden, proposal, "neni-1-2", stance="against", consent="hidden")
    c_whole = comment(
        business, proposal, stance="neutral", participant_type="business", consent="name"
    )
    reply = comment(named, proposal, parent=c_hidden, stance="for", body="Pajtohem plotësisht.")
    c_moderated = comment(
        moderated_author, proposal, "neni-2", body="Reklamë për një dyqan <script>x</script>"
    )
    comment_services.comment_hide(actor=moderator, comment=c_moderated, reason="spam")
    c_withdrawn = comment(withdrawing, proposal, "neni-2", body="Teksti që u tërhoq nga autori.")
    comment_services.comment_withdraw(actor=withdrawing, comment=c_withdrawn)
    paper = comment_services.position_paper_submit(
        actor=representative,
        consultation=consultation,
        organisation=cso,
        title="Qëndrimi ynë për strategjinë",
        summary="Përmbledhja e qëndrimit të organizatës.",
        pdf=make_pdf(),
        points={"neni-1": "Pika për nenin 1.", "neni-3": "Pika për nenin 3."},
    )
    neni_1 = Section.objects.get(proposal=proposal, key="neni-1")
    neni_3 = Section.objects.get(proposal=proposal, key="neni-3")
    proposal_services.vote_cast(actor=named, proposal=proposal, choice="for")
    proposal_services.vote_cast(actor=named, proposal=proposal, section=neni_3, choice="against")
    proposal_services.vote_cast(actor=hidden, proposal=proposal, section=neni_3, choice="against")
    proposal_services.vote_cast(actor=business, proposal=proposal, section=neni_1, choice="abstain")

    consultation = consult_services.consultation_close(actor=official, consultation=consultation)
    comment_services.response_set(
        actor=official, comment=c_named, outcome="accepted", reflected_in=neni_1
    )
    comment_services.response_set(
        actor=official,
        comment=c_hidden,
        outcome="rejected",
        justification="Financimi rregullohet me ligj të veçantë.",
    )
    comment_services.response_set(actor=official, comment=c_whole, outcome="noted")
    comment_services.response_set(
        actor=official,
        position_paper=paper,
        outcome="partially",
        justification="Pranohet pjesërisht.",
    )
    for c in (c_named, c_hidden, c_paragraph, c_whole, reply, c_moderated, c_withdrawn):
        c.refresh_from_db()
    return Round(
        consultation=Consultation.objects.get(pk=consultation.pk),
        proposal=proposal,
        official=official,
        named=named,
        hidden=hidden,
        business=business,
        representative=representative,
        comment_named=c_named,
        comment_hidden_consent=c_hidden,
        comment_paragraph=c_paragraph,
        comment_whole=c_whole,
        reply=reply,
        comment_moderated=c_moderated,
        comment_withdrawn=c_withdrawn,
        paper=paper,
    )


@pytest.fixture
def round_(institution, official) -> Round:
    return build_round(institution, official)


@pytest.fixture
def other_official(other_institution):
    return f.official_of(other_institution)


def add_comments(consultation, proposal, n: int, *, answered_by=None) -> None:
    """``n`` more comments (rows written directly, for size only: the rate limit and the
    services are not the point of the tests that use this), half of them answered."""
    from comments.models import OfficialResponse, Participant
    from comments.services import next_tracking_number

    sections = list(Section.objects.filter(proposal=proposal, kind="article"))
    base = Participant.objects.filter(consultation=consultation).count()
    for i in range(n):
        user = f.UserFactory()
        participant = Participant.objects.create(
            consultation=consultation, user=user, number=base + i + 1
        )
        c = Comment.objects.create(
            consultation=consultation,
            proposal=proposal,
            section=sections[i % len(sections)],
            author=user,
            participant=participant,
            consent=["name", "organisation", "hidden"][i % 3] if i % 3 != 1 else "name",
            participant_type=["citizen", "business", "academic"][i % 3],
            municipality="Pejë" if i % 2 else "",
            country="" if i % 2 else "CH",
            stance=["for", "against", "neutral"][i % 3],
            body=f"Koment numër {i}",
            tracking_number=next_tracking_number(),
        )
        Comment.objects.filter(pk=c.pk).update(
            created_at=consultation.opens_at + dt.timedelta(hours=i)
        )
        if answered_by is not None and i % 2 == 0:
            OfficialResponse.objects.create(
                comment=c,
                consultation=consultation,
                outcome="accepted",
                responded_by=answered_by,
            )
