"""Reading comments over the API: the list, its cursor, filters, and who sees what."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.models import Comment
from consult.models import Consultation
from tests import factories as f
from tests.api.helpers import import_draft

from .helpers import comment, comment_url, comments_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_comments(settings, proposal):
    """55 comments by 55 people, oldest first."""
    settings.COMMENT_RATE_LIMIT = "1000/600"
    return [comment(f.UserFactory(), proposal, body=f"Komenti numër {i}.") for i in range(55)]


def _walk(client, url, **params):
    """Every page of the list, following `next`."""
    seen, pages = [], 0
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.data
        seen.extend(item["id"] for item in response.data["results"])
        pages += 1
        if not response.data["next"]:
            return seen, pages
        response = client.get(response.data["next"])


def test_list_is_newest_first_in_pages_of_fifty(api, proposal, many_comments):
    response = api.get(comments_url(proposal))

    assert response.status_code == 200
    assert len(response.data["results"]) == 50
    assert response.data["previous"] is None
    assert response.data["next"]
    first = response.data["results"][0]
    assert first["id"] == many_comments[-1].pk
    assert first["body_html"] == "<p>Komenti numër 54.</p>"

    ids, pages = _walk(api, comments_url(proposal))
    assert pages == 2
    assert ids == [c.pk for c in reversed(many_comments)]


def test_cursor_is_stable_when_new_comments_arrive(api, proposal, many_comments):
    first = api.get(comments_url(proposal))
    comment(f.UserFactory(), proposal, body="Një koment i ri.")

    second = api.get(first.data["next"])

    ids = [c["id"] for c in first.data["results"]] + [c["id"] for c in second.data["results"]]
    assert ids == [c.pk for c in reversed(many_comments)]
    back = api.get(second.data["previous"])
    assert [c["id"] for c in back.data["results"]] == [c["id"] for c in first.data["results"]]


def test_oldest_first(api, proposal, many_comments):
    ids, _pages = _walk(api, comments_url(proposal), ordering="created_at")
    assert ids == [c.pk for c in many_comments]


def test_most_agreed_first_pages_through_ties(api, proposal, many_comments):
    readers = [f.UserFactory() for _ in range(3)]
    for reader in readers:
        services.reaction_set(actor=reader, comment=many_comments[10], value="agree")
    for reader in readers[:2]:
        services.reaction_set(actor=reader, comment=many_comments[40], value="agree")

    ids, pages = _walk(api, comments_url(proposal), ordering="-agree_count")

    assert pages == 2
    assert ids[:2] == [many_comments[10].pk, many_comments[40].pk]
    rest = [
        c.pk for c in reversed(many_comments) if c not in (many_comments[10], many_comments[40])
    ]
    assert ids[2:] == rest  # ties: newest first, each exactly once


@pytest.mark.parametrize(
    "params,field",
    [
        ({"ordering": "body"}, "ordering"),
        ({"parent": "abc"}, "parent"),
        ({"parent": "0"}, "parent"),
        ({"section": "neni-99"}, "section"),
        ({"parent": "999999"}, "parent"),
        ({"parent": "1", "threads": "1"}, "threads"),
    ],
)
def test_bad_filters_are_400(api, proposal, citizen, params, field):
    comment(citizen, proposal)
    response = api.get(comments_url(proposal), params)
    assert response.status_code == 400
    assert field in response.data


def test_a_cursor_of_another_ordering_or_garbage_is_404(api, proposal, many_comments):
    newest = api.get(comments_url(proposal))
    cursor = newest.data["next"].split("cursor=")[1]

    response = api.get(comments_url(proposal), {"cursor": cursor, "ordering": "-agree_count"})
    assert response.status_code == 404
    assert api.get(comments_url(proposal), {"cursor": "not-base64!"}).status_code == 404


def test_filters_by_section_whole_draft_parent_and_threads(
    api, proposal, article, citizen, second_citizen
):
    on_article = comment(citizen, proposal, section=article)
    on_draft = comment(citizen, proposal)
    reply = comment(second_citizen, proposal, parent=on_article)
    deeper = comment(citizen, proposal, parent=reply)

    def ids(**params):
        response = api.get(comments_url(proposal), params)
        assert response.status_code == 200, response.data
        return {c["id"] for c in response.data["results"]}

    assert ids(section="neni-1") == {on_article.pk, reply.pk, deeper.pk}
    assert ids(section="") == {on_draft.pk}
    assert ids(section="neni-1", threads="1") == {on_article.pk}
    assert ids(threads="true") == {on_article.pk, on_draft.pk}
    assert ids(parent=on_article.pk) == {reply.pk}
    assert ids(parent=reply.pk) == {deeper.pk}

    item = api.get(comment_url(deeper)).data
    assert (item["section"], item["parent"], item["depth"]) == ("neni-1", reply.pk, 2)


def test_a_reply_keeps_its_place_when_its_parent_is_withdrawn(
    api, proposal, citizen, second_citizen
):
    parent = comment(citizen, proposal, proposed_wording="Neni 1 thotë ...")
    comment(second_citizen, proposal, parent=parent)
    services.comment_withdraw(actor=citizen, comment=parent)

    item = api.get(comment_url(parent)).data

    assert item["status"] == "withdrawn"
    assert item["body_html"] is None and item["proposed_wording"] is None
    assert api.get(comments_url(proposal), {"parent": parent.pk}).data["results"]


# --- who sees what -------------------------------------------------------------------------


def test_the_public_sees_the_author_as_they_consented(api, proposal, cso):
    named = f.UserFactory(display_name="Drita Berisha")
    as_org = f.representative_of(cso, display_name="Besnik Gashi")
    secret = f.UserFactory(display_name="Arta Krasniqi", email="arta.secret@example.org")
    comment(named, proposal, consent="name")
    comment(as_org, proposal, consent="organisation", organisation=cso)
    hidden = comment(secret, proposal, consent="hidden")

    response = api.get(comments_url(proposal))

    authors = {c["author"] for c in response.data["results"]}
    number = hidden.participant.number
    assert authors == {"Drita Berisha", cso.name, f"Participant #{number}"}
    text = json.dumps(response.json())
    for leak in ("Arta Krasniqi", "arta.secret", "Besnik Gashi", "@example.org"):
        assert leak not in text
    assert all(c["identity"] is None and c["body"] is None for c in response.data["results"])
    detail = json.dumps(api.get(comment_url(hidden)).json())
    assert "Arta Krasniqi" not in detail and "arta.secret" not in detail


def test_a_signed_in_citizen_does_not_see_identities_either(as_user, proposal, second_citizen):
    secret = f.UserFactory(display_name="Arta Krasniqi", email="arta.secret@example.org")
    comment(secret, proposal, consent="hidden")

    text = json.dumps(as_user(second_citizen).get(comments_url(proposal)).json())

    assert "Arta Krasniqi" not in text and "arta.secret" not in text


@pytest.mark.parametrize("who", ["official", "moderator", "staff"])
def test_officials_moderators_and_staff_see_identities(as_user, proposal, official, who, staff):
    viewer = {"official": official, "moderator": f.moderator(), "staff": staff}[who]
    secret = f.UserFactory(display_name="Arta Krasniqi", email="arta.secret@example.org")
    comment(secret, proposal, consent="hidden")

    item = as_user(viewer).get(comments_url(proposal)).data["results"][0]

    assert item["author"].startswith("Participant #")
    assert item["identity"] == {
        "display_name": "Arta Krasniqi",
        "email": "arta.secret@example.org",
        "organisation": None,
    }


def test_an_official_of_another_institution_does_not_see_identities(as_user, proposal):
    stranger = f.official_of(f.InstitutionFactory())
    secret = f.UserFactory(display_name="Arta Krasniqi", email="arta.secret@example.org")
    comment(secret, proposal, consent="hidden")

    text = json.dumps(as_user(stranger).get(comments_url(proposal)).json())

    assert "arta.secret" not in text


def test_a_hidden_comment_shows_only_its_reason_to_the_public(
    api, as_user, proposal, citizen, official
):
    c = comment(citizen, proposal, body="Numri im është 044 123 456", proposed_wording="Tekst X")
    services.comment_hide(actor=official, comment=c, reason="personal_data")

    for item in (api.get(comments_url(proposal)).data["results"][0], api.get(comment_url(c)).data):
        assert item["status"] == "hidden"
        assert item["hidden_reason"] == "personal_data"
        assert item["body_html"] is None and item["proposed_wording"] is None
    assert "044 123 456" not in json.dumps(api.get(comments_url(proposal)).json())

    seen = as_user(official).get(comment_url(c)).data
    assert "044 123 456" in seen["body_html"] and seen["proposed_wording"] == "Tekst X"
    own = as_user(citizen).get(comment_url(c)).data
    assert own["mine"] is True and own["body"] == "Numri im është 044 123 456"


def test_the_author_sees_their_raw_markdown(as_user, api, proposal, citizen):
    c = comment(citizen, proposal, body="**Fort** mendim")

    mine = as_user(citizen).get(comment_url(c)).data
    assert mine["body"] == "**Fort** mendim" and mine["mine"] is True
    public = api.get(comment_url(c)).data
    assert public["body"] is None and public["body_html"] == "<p><strong>Fort</strong> mendim</p>"


def test_responses_are_shown_when_public(api, as_user, proposal, citizen, official, article):
    c = comment(citizen, proposal)
    services.response_set(
        actor=official, comment=c, outcome="accepted", justification="Po.", reflected_in=article
    )

    item = api.get(comment_url(c)).data
    assert item["response"]["outcome"] == "accepted"
    assert item["response"]["reflected_in"] == "neni-1"
    assert item["response"]["justification"] == "Po."

    Consultation.objects.filter(pk=proposal.consultation_id).update(
        responses_visibility="with_report"
    )
    assert api.get(comment_url(c)).data["response"] is None
    assert as_user(citizen).get(comments_url(proposal)).data["results"][0]["response"] is None
    assert as_user(official).get(comment_url(c)).data["response"]["outcome"] == "accepted"


def test_comments_of_a_draft_consultation_are_404_to_the_public(
    api, as_user, institution, citizen, official
):
    draft = f.consultation_in_state("draft", institution=institution)
    proposal = import_draft(draft, official)
    Consultation.objects.filter(pk=draft.pk).update(status="open")
    proposal.consultation.refresh_from_db()
    c = comment(citizen, proposal)
    Consultation.objects.filter(pk=draft.pk).update(status="draft")

    assert api.get(comments_url(proposal)).status_code == 404
    assert api.get(comment_url(c)).status_code == 404
    assert api.get(comment_url(c, "history/")).status_code == 404
    assert as_user(citizen).get(comment_url(c)).status_code == 404
    assert as_user(official).get(comment_url(c)).status_code == 200


def test_unknown_comment_is_404(api):
    assert api.get("/api/v1/comments/999999/").status_code == 404


def test_my_reaction_is_shown_to_me(as_user, proposal, citizen, second_citizen):
    c = comment(citizen, proposal)
    services.reaction_set(actor=second_citizen, comment=c, value="disagree")

    item = as_user(second_citizen).get(comments_url(proposal)).data["results"][0]

    assert item["my_reaction"] == "disagree"
    assert (item["agree_count"], item["disagree_count"]) == (0, 1)


# --- query counts --------------------------------------------------------------------------


def _seed(proposal, article, cso, official, count):
    """``count`` comments with every kind of related row: organisations, sections, replies,
    reactions, responses, hidden ones."""
    reader = f.UserFactory()
    made = []
    for i in range(count):
        if i % 3 == 0:
            author = f.representative_of(cso)
            c = comment(author, proposal, consent="organisation", organisation=cso, section=article)
        elif i % 3 == 1 and made:
            c = comment(f.UserFactory(), proposal, consent="hidden", parent=made[-1])
        else:
            c = comment(f.UserFactory(), proposal)
        services.reaction_set(actor=reader, comment=c, value="agree")
        services.response_set(
            actor=official, comment=c, outcome="rejected", justification="Jo.", reflected_in=article
        )
        if i % 5 == 0:
            services.comment_hide(actor=official, comment=c, reason="spam")
        made.append(c)
    return reader


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["anonymous", "reader", "official"])
@pytest.mark.parametrize("ordering", ["-created_at", "-agree_count"])
def test_list_query_count_does_not_grow_with_the_page(
    settings,
    as_user,
    proposal,
    article,
    cso,
    official,
    who,
    ordering,
    django_assert_num_queries,
):
    settings.COMMENT_RATE_LIMIT = "1000/600"
    reader = _seed(proposal, article, cso, official, 3)
    users = {"anonymous": None, "reader": reader, "official": official}
    url = comments_url(proposal)
    client = as_user(users[who])
    small = _queries(client, url, ordering=ordering)
    _seed(proposal, article, cso, official, 40)

    large = _queries(client, url, ordering=ordering)

    assert large == small
    # anonymous: consultation, proposal, page; signed in: + session, user, roles, moderator
    # group (officials stop at their role), own reactions on the page.
    with django_assert_num_queries({"anonymous": 3, "reader": 8, "official": 7}[who]):
        assert len(client.get(url, {"ordering": ordering}).data["results"]) == 43
    assert Comment.objects.filter(proposal=proposal).count() == 43
