"""The comment pages cost the same number of queries with 10 comments as with 3,000."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import services
from comments.models import Comment, OfficialResponse, Participant, Reaction
from tests import factories as f
from tests.comments.conftest import make_pdf

from .conftest import section_url

pytestmark = pytest.mark.django_db


def bulk_comments(proposal, section, n: int, *, viewer=None, official=None, prefix="A") -> None:
    """``n`` top-level comments (bulk-created, as a large consultation would have), with
    replies two levels deep on the newest ones, the viewer's reactions, an answer, and hidden
    and withdrawn comments among them."""
    consultation = proposal.consultation
    users = f.UserFactory.create_batch(12)
    organisation = f.OrganisationFactory()
    start = Participant.objects.filter(consultation=consultation).count()
    participants = Participant.objects.bulk_create(
        Participant(consultation=consultation, user=u, number=start + i + 1)
        for i, u in enumerate(users)
    )
    consents = ["name", "hidden", "organisation"]
    statuses = ["published"] * 8 + ["hidden", "withdrawn"]

    def row(i, parent=None, depth=0):
        author = users[i % len(users)]
        consent = consents[i % 3]
        return Comment(
            consultation=consultation,
            proposal=proposal,
            section=section,
            parent=parent,
            depth=depth,
            author=author,
            participant=participants[i % len(users)],
            organisation=organisation if consent == "organisation" else None,
            consent=consent,
            participant_type="citizen",
            municipality="Prizren" if i % 2 else "",
            country="" if i % 2 else "CH",
            stance=["for", "against", "neutral"][i % 3],
            body=f"Komenti {i}: propozim për nenin.",
            body_html=f"<p>Komenti {i}: propozim për nenin.</p>",
            proposed_wording="Teksti i ri i nenit." if i % 4 == 0 else "",
            status=statuses[i % len(statuses)],
            hidden_reason="spam" if statuses[i % len(statuses)] == "hidden" else "",
            agree_count=i % 7,
            tracking_number=f"KON-1999-{prefix}{i:06d}",
        )

    roots = Comment.objects.bulk_create(row(i) for i in range(n))
    newest = sorted(roots, key=lambda c: c.pk)[-5:]
    replies = Comment.objects.bulk_create(
        row(n + j, parent=newest[j % len(newest)], depth=1) for j in range(10)
    )
    Comment.objects.bulk_create(row(n + 10 + j, parent=replies[j % 10], depth=2) for j in range(10))
    if viewer is not None:
        Reaction.objects.bulk_create(
            Reaction(user=viewer, comment=c, value="agree") for c in newest + replies
        )
    if official is not None:
        OfficialResponse.objects.create(
            comment=newest[-1],
            consultation=consultation,
            outcome="partially",
            justification="Pjesërisht.",
            reflected_in=section,
            responded_by=official,
        )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def two_drafts(make_proposal_in, institution):
    return make_proposal_in(f.ConsultationFactory(institution=institution)), make_proposal_in(
        f.ConsultationFactory(institution=institution)
    )


@pytest.fixture
def make_proposal_in(official):
    from proposals.services import proposal_import

    def make(consultation):
        return proposal_import(
            actor=official,
            consultation=consultation,
            data=f.SAMPLE_DRAFT_MD.encode(),
            filename="draft.md",
        )

    return make


@pytest.mark.slow
@pytest.mark.parametrize("who", ["anonymous", "citizen", "official", "member"])
def test_article_page_queries_do_not_grow_with_comments(
    client_for, make_proposal_in, institution, official, citizen, who
):
    member = f.member_of(f.OrganisationFactory())
    user = {"anonymous": None, "citizen": citizen, "official": official, "member": member}[who]
    small, big = two_drafts(make_proposal_in, institution)
    for proposal, n, prefix in ((small, 10, "S"), (big, 3000, "B")):
        section = proposal.sections.get(key="neni-1")
        bulk_comments(proposal, section, n, viewer=user, official=official, prefix=prefix)
    client = client_for(user)
    client.get(section_url(small))  # warm the session alike
    n_small = count_queries(client, section_url(small))
    n_big = count_queries(client, section_url(big))
    assert n_small == n_big
    n_page_3 = count_queries(client, section_url(big, query="?page=3&sort=agreed"))
    assert n_page_3 == n_big


@pytest.mark.slow
def test_article_page_pinned_count(
    client_for, make_proposal_in, institution, official, citizen, django_assert_max_num_queries
):
    proposal = make_proposal_in(f.ConsultationFactory(institution=institution))
    bulk_comments(proposal, proposal.sections.get(key="neni-1"), 3000, viewer=citizen)
    client = client_for(citizen)
    # session, user, consultation, proposal, section, subtree, tallies, own votes, outline,
    # roles (header), comment count, roots, replies, replies to replies, own reactions,
    # blocked?, moderator?
    with django_assert_max_num_queries(17):
        assert client.get(section_url(proposal)).status_code == 200
    client = client_for(None)  # no session, user, own votes or reactions, roles or blocks
    with django_assert_max_num_queries(10):
        assert client.get(section_url(proposal)).status_code == 200


def test_whole_draft_comments_page_queries_do_not_grow(
    client_for, make_proposal_in, institution, official, citizen
):
    small, big = two_drafts(make_proposal_in, institution)
    bulk_comments(small, None, 3, viewer=citizen, official=official, prefix="S")
    bulk_comments(big, None, 300, viewer=citizen, official=official, prefix="B")
    client = client_for(citizen)

    def url(p):
        return reverse(
            "comments:draft_comments",
            kwargs={"slug": p.consultation.slug, "proposal": p.slug},
        )

    client.get(url(small))
    assert count_queries(client, url(small)) == count_queries(client, url(big))


def test_proposal_page_queries_do_not_grow_with_comments(
    client_for, make_proposal_in, institution, official, citizen
):
    small, big = two_drafts(make_proposal_in, institution)
    bulk_comments(small, small.sections.get(key="neni-1"), 2, prefix="S")
    for key in ("neni-1", "neni-2", "neni-3"):
        bulk_comments(big, big.sections.get(key=key), 100, prefix=f"B{key[-1]}")
    bulk_comments(big, None, 50, prefix="BW")
    client = client_for(citizen)
    client.get(small.get_absolute_url())
    assert count_queries(client, small.get_absolute_url()) == count_queries(
        client, big.get_absolute_url()
    )


@pytest.mark.parametrize("who", ["anonymous", "representative"])
def test_consultation_page_queries_do_not_grow_with_papers(
    client_for, make_proposal_in, institution, who
):
    cso = f.OrganisationFactory()
    representative = f.representative_of(cso)
    small, big = two_drafts(make_proposal_in, institution)
    pdf = make_pdf()
    for proposal, n in ((small, 1), (big, 12)):
        for i in range(n):
            services.position_paper_submit(
                actor=representative,
                consultation=proposal.consultation,
                organisation=cso,
                title=f"Qëndrimi {i}",
                summary="Përmbledhje.",
                pdf=pdf,
                points={"neni-1": "Pika 1.", "neni-2": "Pika 2."},
            )
    client = client_for(representative if who == "representative" else None)
    client.get(small.consultation.get_absolute_url())
    n_small = count_queries(client, small.consultation.get_absolute_url())
    n_big = count_queries(client, big.consultation.get_absolute_url())
    assert n_small == n_big
