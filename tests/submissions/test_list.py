"""The submissions page: every comment and position paper with its real author, filters, the
number still waiting for an answer, 50 a page, and a query count that does not grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import services
from comments.models import Comment, OfficialResponse
from comments.selectors import unanswered_count

from .conftest import bulk_submissions, make_comment


def list_url(consultation, **query) -> str:
    from urllib.parse import urlencode

    url = reverse("submissions:list", kwargs={"slug": consultation.slug})
    return f"{url}?{urlencode(query)}" if query else url


def numbers(response) -> list[str]:
    return [item.obj.tracking_number for item in response.context["items"]]


@pytest.fixture
def mixed(proposal, official, citizen, second_person, paper, article, paragraph):
    """Five submissions of every kind: returns them by name."""
    consultation = proposal.consultation
    items = {
        "for_article": make_comment(citizen, proposal, section=article, stance="for"),
        "against_paragraph": make_comment(
            second_person,
            proposal,
            section=paragraph,
            stance="against",
            participant_type="business",
            consent="hidden",
        ),
        "neutral_whole": make_comment(citizen, proposal, stance="neutral"),
        "paper": paper,
    }
    other = proposal.sections.get(key="neni-3")
    items["answered"] = make_comment(second_person, proposal, section=other, stance="for")
    services.response_set(actor=official, comment=items["answered"], outcome="accepted")
    items["withdrawn"] = make_comment(citizen, proposal, section=other, stance="against")
    services.comment_withdraw(actor=citizen, comment=items["withdrawn"])
    items["hidden"] = make_comment(second_person, proposal, section=other, stance="neutral")
    services.comment_hide(actor=official, comment=items["hidden"], reason="abuse")
    items["reply"] = make_comment(
        second_person, proposal, parent=items["for_article"], stance="neutral"
    )
    assert consultation
    return items


@pytest.fixture
def second_person(db):
    from tests import factories as f

    return f.UserFactory(display_name="Shpëtim Rexhepi", email="shpetim@example.org")


def test_every_submission_with_its_real_author(official, mixed, login):
    response = login(official).get(list_url(mixed["paper"].consultation))
    assert response.status_code == 200
    assert set(numbers(response)) == {s.tracking_number for s in mixed.values()}
    html = response.content.decode()
    # the person who asked not to be shown is shown to the officials, with the choice made
    assert "shpetim@example.org" in html and "Shpëtim Rexhepi" in html
    assert "Do not show who I am to the public" in html
    assert "Position paper" in html and "Qëndrimi ynë për strategjinë" in html
    assert f"Reply to {mixed['for_article'].tracking_number}" in html


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"kind": "paper"}, {"paper"}),
        (
            {"kind": "comment", "status": "published", "answered": "no", "stance": "for"},
            {"for_article"},
        ),
        ({"stance": "against"}, {"against_paragraph", "withdrawn"}),
        ({"participant_type": "business"}, {"against_paragraph"}),
        ({"participant_type": "cso"}, {"paper"}),
        ({"answered": "yes"}, {"answered"}),
        (
            {"answered": "no"},
            {"for_article", "against_paragraph", "neutral_whole", "paper", "hidden", "reply"},
        ),
        ({"status": "hidden"}, {"hidden"}),
        ({"status": "withdrawn"}, {"withdrawn"}),
        # an article takes in its paragraphs and the replies anchored there; papers by points
        ({"article": "{slug}:neni-1"}, {"for_article", "against_paragraph", "paper", "reply"}),
        ({"article": "{slug}:neni-3", "stance": "neutral"}, {"hidden"}),
        ({"article": "{slug}:"}, {"neutral_whole"}),
    ],
)
def test_filters(query, expected, official, mixed, proposal, login):
    query = {k: v.replace("{slug}", proposal.slug) for k, v in query.items()}
    response = login(official).get(list_url(proposal.consultation, **query))
    assert response.status_code == 200
    assert set(numbers(response)) == {mixed[name].tracking_number for name in expected}
    assert response.context["filtered"]


def test_a_bad_filter_value_is_shown_and_left_out(official, mixed, proposal, login):
    response = login(official).get(
        list_url(proposal.consultation, stance="perhaps", article="nope:neni-1", answered="no")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "stance" in form.errors and "article" in form.errors
    assert len(numbers(response)) == unanswered_count(proposal.consultation)


def test_the_unanswered_count_goes_down_as_answers_are_given(official, mixed, proposal, login):
    client = login(official)
    consultation = proposal.consultation
    before = client.get(list_url(consultation))
    assert before.context["unanswered"] == 6  # the withdrawn one needs no answer
    first = before.context["first_unanswered"]
    assert first == mixed["paper"].tracking_number  # the oldest
    assert "6</strong>" in before.content.decode()
    client.post(
        reverse("submissions:answer", kwargs={"slug": consultation.slug, "tracking_number": first}),
        {"outcome": "noted"},
    )
    after = client.get(list_url(consultation))
    assert after.context["unanswered"] == 5
    assert after.context["first_unanswered"] != first
    answered = client.get(list_url(consultation, answered="no"))
    assert len(numbers(answered)) == 5


def test_withheld_answers_are_announced(official, mixed, proposal, login):
    from consult.models import Consultation

    Consultation.objects.filter(pk=proposal.consultation_id).update(
        responses_visibility="with_report"
    )
    response = login(official).get(list_url(proposal.consultation))
    assert response.context["withheld"]
    assert "Answers in this consultation are published with the report" in (
        response.content.decode()
    )


def test_pages_of_fifty(official, proposal, login):
    consultation = proposal.consultation
    comments, papers = bulk_submissions(consultation, proposal, official, 120, papers=2)
    client = login(official)
    first = client.get(list_url(consultation))
    assert first.context["page"].paginator.count == 122
    assert len(first.context["items"]) == 50
    third = client.get(list_url(consultation, page=3))
    assert len(third.context["items"]) == 22
    seen = set()
    for page in (1, 2, 3):
        seen |= set(numbers(client.get(list_url(consultation, page=page))))
    assert len(seen) == 122
    filtered = client.get(list_url(consultation, answered="yes", page=1))
    assert filtered.context["page"].paginator.count == 40
    assert filtered.context["querystring"] == "answered=yes"
    assert 'rel="next"' not in filtered.content.decode()  # one page only
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert client.get(list_url(consultation, page="many")).status_code == 200


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", [{}, {"answered": "no", "article": "{slug}:neni-1"}])
def test_query_count_does_not_grow_with_the_submissions(
    query, official, proposal, institution, draft_md, login, django_assert_max_num_queries
):
    from proposals.services import proposal_import
    from tests import factories as f

    small_consultation = f.ConsultationFactory(institution=institution)
    small = proposal_import(
        actor=official, consultation=small_consultation, data=draft_md, filename="d.md"
    )
    bulk_submissions(small_consultation, small, official, 10, papers=5, tag="S")
    bulk_submissions(proposal.consultation, proposal, official, 500, papers=5, tag="L")
    client = login(official)
    counts = []
    for draft in (small, proposal):
        params = {k: v.replace("{slug}", draft.slug) for k, v in query.items()}
        # session, user, memberships, consultation, drafts, articles (filter), count, page,
        # comments, papers, points, unanswered (2), oldest unanswered (2)
        with django_assert_max_num_queries(15):
            counts.append(_count_queries(client, list_url(draft.consultation, **params)))
    assert counts[0] == counts[1], counts


def test_answers_show_in_the_list(official, comment, login):
    services.response_set(
        actor=official, comment=comment, outcome="rejected", justification="Jo në këtë ligj."
    )
    html = login(official).get(list_url(comment.consultation)).content.decode()
    assert "Rejected" in html and "Jo në këtë ligj." in html and "Change the answer" in html
    assert OfficialResponse.objects.count() == 1
    assert Comment.objects.count() == 1
