"""A page's query count does not grow with its data (articles, votes, consultations)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["anonymous", "citizen", "official"])
def test_proposal_page_queries_do_not_grow(
    client_for, make_proposal, add_votes, institution, citizen, official, who
):
    user = {"anonymous": None, "citizen": citizen, "official": official}[who]
    small = make_proposal(f.ConsultationFactory(institution=institution), 5)
    big = make_proposal(f.ConsultationFactory(institution=institution), 50)
    add_votes(big, 200)
    client = client_for(user)
    client.get(small.get_absolute_url())  # warm the session and caches alike
    n_small = count_queries(client, small.get_absolute_url())
    n_big = count_queries(client, big.get_absolute_url())
    assert n_small == n_big
    assert n_big <= 10


def test_proposal_page_pinned_count(
    client_for, make_proposal, add_votes, institution, citizen, django_assert_max_num_queries
):
    proposal = make_proposal(f.ConsultationFactory(institution=institution), 30)
    add_votes(proposal, 50)
    client = client_for(citizen)
    # session, user, consultation, proposal, sections, tallies, own votes, roles, comment counts
    with django_assert_max_num_queries(9):
        assert client.get(proposal.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "citizen"])
def test_consultation_page_queries_do_not_grow(
    client_for, make_proposal, add_votes, institution, citizen, who
):
    user = {"anonymous": None, "citizen": citizen}[who]
    small = make_proposal(f.ConsultationFactory(institution=institution), 5)
    big = make_proposal(f.ConsultationFactory(institution=institution), 50)
    add_votes(big, 200)
    client = client_for(user)
    n_small = count_queries(client, small.consultation.get_absolute_url())
    n_big = count_queries(client, big.consultation.get_absolute_url())
    assert n_small == n_big
    # A signed-in person also needs: whether they follow the consultation, and its hearings.
    assert n_big <= {"anonymous": 9, "citizen": 11}[who]


def test_consultation_page_with_many_documents(client_for, make_proposal, institution, citizen):
    one = f.ConsultationFactory(institution=institution)
    many = f.ConsultationFactory(institution=institution)
    make_proposal(one, 3)
    make_proposal(one, 3)
    for _ in range(6):
        make_proposal(many, 3)
    client = client_for(citizen)
    assert count_queries(client, one.get_absolute_url()) == count_queries(
        client, many.get_absolute_url()
    )


def test_section_page_queries_do_not_grow(
    client_for, make_proposal, add_votes, institution, citizen
):
    small = make_proposal(f.ConsultationFactory(institution=institution), 5)
    big = make_proposal(f.ConsultationFactory(institution=institution), 50)
    add_votes(big, 100)
    client = client_for(citizen)

    def url(p):
        return reverse(
            "proposals:section",
            kwargs={"slug": p.consultation.slug, "proposal": p.slug, "key": "neni-3"},
        )

    assert count_queries(client, url(small)) == count_queries(client, url(big))


def test_list_and_home_queries_do_not_grow(client_for, institution, other_institution, citizen):
    client = client_for(citizen)
    f.ConsultationFactory.create_batch(3, institution=institution)
    n_home_small = count_queries(client, reverse("consult:home"))
    n_list_small = count_queries(client, reverse("consult:list"))
    f.ConsultationFactory.create_batch(30, institution=other_institution)
    assert count_queries(client, reverse("consult:home")) == n_home_small
    assert count_queries(client, reverse("consult:list")) == n_list_small


def test_diff_and_versions_queries_do_not_grow(client_for, make_proposal, institution, official):
    from proposals.services import proposal_version_publish

    from .conftest import draft_markdown

    def two_versions(n):
        p = make_proposal(f.ConsultationFactory(institution=institution), n)
        text = draft_markdown(n).replace("çështjen 2.", "çështjen e dytë.")
        proposal_version_publish(
            actor=official, proposal=p, data=text.encode(), filename="v2.md", note="v2"
        )
        return p

    small, big = two_versions(4), two_versions(40)
    client = client_for(None)

    def urls(p):
        kwargs = {"slug": p.consultation.slug, "proposal": p.slug}
        return (
            reverse("proposals:diff", kwargs=kwargs) + "?from=1&to=2",
            reverse("proposals:versions", kwargs=kwargs),
            reverse("proposals:history", kwargs=kwargs),
        )

    for a, b in zip(urls(small), urls(big), strict=True):
        assert count_queries(client, a) == count_queries(client, b), a
