"""Editing, withdrawing, history, reactions, flags, moderation, official responses, blocking and
the tracking-number look-up over the API."""

from __future__ import annotations

import json

import pytest

from comments import services
from comments.models import (
    Comment,
    Flag,
    ModerationAction,
    OfficialResponse,
    ParticipationBlock,
    Reaction,
)
from consult.models import Consultation
from tests import factories as f
from tests.api.helpers import API, import_draft

from .helpers import close, comment, comment_url

pytestmark = pytest.mark.django_db


# --- edit, withdraw, history ---------------------------------------------------------------


def test_author_edits_and_the_history_keeps_both_versions(api, as_user, proposal, citizen):
    c = comment(citizen, proposal, body="Versioni i parë.")

    response = as_user(citizen).patch(
        comment_url(c), {"body": "Versioni i *dytë*.", "stance": "against"}, format="json"
    )

    assert response.status_code == 200, response.data
    assert response.data["edited"] is True and response.data["edited_at"]
    assert response.data["stance"] == "against"
    assert response.data["body_html"] == "<p>Versioni i <em>dytë</em>.</p>"
    history = api.get(comment_url(c, "history/"))
    assert history.status_code == 200
    assert [v["body_html"] for v in history.data] == [
        "<p>Versioni i parë.</p>",
        "<p>Versioni i <em>dytë</em>.</p>",
    ]
    assert history.data[0]["date"] <= history.data[1]["date"]


def test_editing_only_the_stance_keeps_the_body(as_user, proposal, citizen):
    c = comment(citizen, proposal, body="Teksti mbetet.")

    response = as_user(citizen).patch(comment_url(c), {"stance": "neutral"}, format="json")

    assert response.status_code == 200
    c.refresh_from_db()
    assert (c.stance, c.body) == ("neutral", "Teksti mbetet.")


@pytest.mark.parametrize(
    "data,field",
    [
        ({"body": "  "}, "body"),
        ({"body": "a" * 5001}, "body"),
        ({"stance": "maybe"}, "stance"),
        ({"author": 1}, "author"),
    ],
)
def test_bad_edits_are_400_and_change_nothing(as_user, proposal, citizen, data, field):
    c = comment(citizen, proposal, body="Origjinali.")

    response = as_user(citizen).patch(comment_url(c), data, format="json")

    assert response.status_code == 400
    assert field in response.data
    c.refresh_from_db()
    assert c.body == "Origjinali." and c.edited_at is None


def test_only_the_author_edits_or_withdraws_and_only_while_open(
    api, as_user, proposal, citizen, second_citizen, official
):
    c = comment(citizen, proposal)
    for person in (second_citizen, official):
        client = as_user(person)
        assert client.patch(comment_url(c), {"body": "Jo imja."}, format="json").status_code == 403
        assert client.post(comment_url(c, "withdraw/")).status_code == 403
    assert api.patch(comment_url(c), {"body": "Anonim."}, format="json").status_code == 403
    assert api.post(comment_url(c, "withdraw/")).status_code == 403
    close(proposal.consultation)
    client = as_user(citizen)
    assert client.patch(comment_url(c), {"body": "Vonë."}, format="json").status_code == 403
    assert client.post(comment_url(c, "withdraw/")).status_code == 403
    c.refresh_from_db()
    assert c.status == "published" and c.body.startswith("Propozoj")


def test_withdraw(api, as_user, proposal, citizen):
    c = comment(citizen, proposal, body="Do ta tërheq.")

    response = as_user(citizen).post(comment_url(c, "withdraw/"))

    assert response.status_code == 200
    assert response.data["status"] == "withdrawn" and response.data["body_html"] is None
    c.refresh_from_db()
    assert c.status == "withdrawn" and c.withdrawn_at is not None
    assert api.get(comment_url(c, "history/")).status_code == 403
    assert "Do ta tërheq" not in json.dumps(api.get(comment_url(c)).json())


def test_history_of_a_hidden_comment_is_not_public(api, as_user, proposal, citizen, official):
    c = comment(citizen, proposal, body="Fyerje.")
    services.comment_hide(actor=official, comment=c, reason="abuse")

    assert api.get(comment_url(c, "history/")).status_code == 403
    assert as_user(f.UserFactory()).get(comment_url(c, "history/")).status_code == 403
    seen = as_user(official).get(comment_url(c, "history/"))
    assert seen.status_code == 200
    assert [v["body_html"] for v in seen.data] == ["<p>Fyerje.</p>"]


# --- reactions -----------------------------------------------------------------------------


def test_reactions_are_one_per_person(as_user, proposal, citizen, second_citizen):
    c = comment(citizen, proposal)
    client = as_user(second_citizen)

    first = client.put(comment_url(c, "reaction/"), {"value": "agree"}, format="json")
    again = client.put(comment_url(c, "reaction/"), {"value": "agree"}, format="json")
    changed = client.put(comment_url(c, "reaction/"), {"value": "disagree"}, format="json")

    assert first.data == {"value": "agree", "agree_count": 1, "disagree_count": 0}
    assert again.data == {"value": "agree", "agree_count": 1, "disagree_count": 0}
    assert changed.data == {"value": "disagree", "agree_count": 0, "disagree_count": 1}
    assert Reaction.objects.filter(comment=c).count() == 1

    taken_back = client.delete(comment_url(c, "reaction/"))

    assert taken_back.status_code == 200
    assert taken_back.data == {"value": None, "agree_count": 0, "disagree_count": 0}
    assert not Reaction.objects.exists()


@pytest.mark.parametrize(
    "body", [{"value": "love"}, {}, {"value": None}, {"value": "agree", "x": 1}]
)
def test_bad_reactions_are_400(as_user, proposal, citizen, second_citizen, body):
    c = comment(citizen, proposal)

    response = as_user(second_citizen).put(comment_url(c, "reaction/"), body, format="json")

    assert response.status_code == 400
    assert not Reaction.objects.exists()


def test_reactions_refused_to_the_author_anonymous_unverified_and_after_closing(
    api, as_user, proposal, citizen, second_citizen, unverified
):
    c = comment(citizen, proposal)
    url = comment_url(c, "reaction/")
    assert as_user(citizen).put(url, {"value": "agree"}, format="json").status_code == 403
    assert api.put(url, {"value": "agree"}, format="json").status_code == 403
    assert as_user(unverified).put(url, {"value": "agree"}, format="json").status_code == 403
    close(proposal.consultation)
    assert as_user(second_citizen).put(url, {"value": "agree"}, format="json").status_code == 403
    assert not Reaction.objects.exists()


# --- flags and moderation ------------------------------------------------------------------


def test_flag_once_then_400(as_user, proposal, citizen, second_citizen):
    c = comment(citizen, proposal)
    client = as_user(second_citizen)

    first = client.post(
        comment_url(c, "flag/"), {"reason": "spam", "note": "Reklamë"}, format="json"
    )
    second = client.post(comment_url(c, "flag/"), {"reason": "abuse"}, format="json")

    assert first.status_code == 201
    assert first.data["reason"] == "spam" and first.data["note"] == "Reklamë"
    assert second.status_code == 400
    assert second.data == {"non_field_errors": ["You have already flagged this comment."]}
    assert Flag.objects.filter(comment=c).count() == 1


@pytest.mark.parametrize(
    "body,field",
    [
        ({"reason": "dislike"}, "reason"),
        ({}, "reason"),
        ({"reason": "spam", "note": "x" * 501}, "note"),
    ],
)
def test_bad_flags_are_400(as_user, proposal, citizen, second_citizen, body, field):
    c = comment(citizen, proposal)

    response = as_user(second_citizen).post(comment_url(c, "flag/"), body, format="json")

    assert response.status_code == 400
    assert field in response.data
    assert not Flag.objects.exists()


def test_flags_refused_to_the_author_and_anonymous(api, as_user, proposal, citizen):
    c = comment(citizen, proposal)
    url = comment_url(c, "flag/")
    assert as_user(citizen).post(url, {"reason": "spam"}, format="json").status_code == 403
    assert api.post(url, {"reason": "spam"}, format="json").status_code == 403
    assert not Flag.objects.exists()


def test_enough_flags_hide_the_comment(settings, api, as_user, proposal, citizen):
    settings.FLAGS_TO_HIDE = 2
    c = comment(citizen, proposal, body="Reklamë për kazino.")
    for _ in range(2):
        url = comment_url(c, "flag/")
        assert (
            as_user(f.UserFactory()).post(url, {"reason": "spam"}, format="json").status_code == 201
        )

    item = api.get(comment_url(c)).data

    assert item["status"] == "hidden" and item["hidden_reason"] == "spam"
    assert item["body_html"] is None


@pytest.mark.parametrize("who", ["moderator", "official"])
def test_moderators_and_officials_hide_and_restore(as_user, api, proposal, citizen, official, who):
    actor = {"moderator": f.moderator(), "official": official}[who]
    c = comment(citizen, proposal, body="Numri im 044 123 456.")
    client = as_user(actor)

    hidden = client.post(
        comment_url(c, "hide/"), {"reason": "personal_data", "note": "Telefon"}, format="json"
    )

    assert hidden.status_code == 200, hidden.data
    assert hidden.data["status"] == "hidden"
    assert "044 123 456" in hidden.data["body_html"]  # they still see it
    assert api.get(comment_url(c)).data["body_html"] is None
    action = ModerationAction.objects.get(comment=c, action="hide")
    assert (action.actor, action.note) == (actor, "Telefon")

    restored = client.post(comment_url(c, "restore/"), {"note": "Gabim"}, format="json")

    assert restored.status_code == 200
    assert restored.data["status"] == "published" and restored.data["hidden_reason"] is None
    assert api.get(comment_url(c)).data["body_html"] == "<p>Numri im 044 123 456.</p>"


def test_hide_and_restore_refused_to_others(
    api, as_user, proposal, citizen, second_citizen, staff, official
):
    c = comment(citizen, proposal)
    stranger = f.official_of(f.InstitutionFactory())
    for client in (api, as_user(second_citizen), as_user(citizen), as_user(stranger)):
        assert (
            client.post(comment_url(c, "hide/"), {"reason": "spam"}, format="json").status_code
            == 403
        )
    services.comment_hide(actor=official, comment=c, reason="spam")
    for client in (api, as_user(second_citizen), as_user(citizen), as_user(stranger)):
        assert client.post(comment_url(c, "restore/"), {}, format="json").status_code == 403
    c.refresh_from_db()
    assert c.status == "hidden"
    assert ModerationAction.objects.filter(comment=c).count() == 1


def test_bad_hide_and_restore_are_400(as_user, proposal, citizen, official):
    c = comment(citizen, proposal)
    client = as_user(official)

    bad_reason = client.post(comment_url(c, "hide/"), {"reason": "dislike"}, format="json")
    not_hidden = client.post(comment_url(c, "restore/"), {}, format="json")

    assert bad_reason.status_code == 400 and "reason" in bad_reason.data
    assert not_hidden.status_code == 400
    assert not ModerationAction.objects.exists()
    c.refresh_from_db()
    assert c.status == "published"


# --- official responses --------------------------------------------------------------------


def test_official_answers_a_comment(api, as_user, proposal, citizen, official):
    c = comment(citizen, proposal)

    response = as_user(official).put(
        comment_url(c, "response/"),
        {
            "outcome": "partially",
            "justification": "Pjesërisht, në nenin 2.",
            "reflected_in": "neni-2",
        },
        format="json",
    )

    assert response.status_code == 200, response.data
    assert response.data["outcome"] == "partially"
    assert response.data["reflected_in"] == "neni-2"
    assert api.get(comment_url(c)).data["response"]["justification"] == "Pjesërisht, në nenin 2."

    changed = as_user(official).put(
        comment_url(c, "response/"), {"outcome": "accepted", "reflected_in": None}, format="json"
    )

    assert changed.status_code == 200 and changed.data["reflected_in"] is None
    assert OfficialResponse.objects.get().history.count() == 2


@pytest.mark.parametrize("outcome", ["rejected", "partially"])
def test_rejection_without_justification_is_400(as_user, proposal, citizen, official, outcome):
    c = comment(citizen, proposal)

    response = as_user(official).put(
        comment_url(c, "response/"), {"outcome": outcome, "justification": "  "}, format="json"
    )

    assert response.status_code == 400
    assert "justification" in response.data
    assert not OfficialResponse.objects.exists()


@pytest.mark.parametrize(
    "body,field",
    [
        ({"outcome": "maybe"}, "outcome"),
        ({}, "outcome"),
        ({"outcome": "accepted", "reflected_in": "neni-99"}, "reflected_in"),
        ({"outcome": "accepted", "responded_by": 1}, "responded_by"),
    ],
)
def test_bad_responses_are_400(as_user, proposal, citizen, official, body, field):
    c = comment(citizen, proposal)

    response = as_user(official).put(comment_url(c, "response/"), body, format="json")

    assert response.status_code == 400
    assert field in response.data
    assert not OfficialResponse.objects.exists()


def test_an_article_of_another_consultation_cannot_be_named(as_user, proposal, citizen, official):
    c = comment(citizen, proposal)
    other = f.ConsultationFactory(institution=proposal.consultation.institution)
    other_proposal = import_draft(other, official, title="Rregullore tjetër")

    response = as_user(official).put(
        comment_url(c, "response/"),
        {"outcome": "accepted", "reflected_in": f"{other_proposal.slug}/neni-1"},
        format="json",
    )

    assert response.status_code == 400 and "reflected_in" in response.data
    assert not OfficialResponse.objects.exists()


def test_official_of_another_institution_and_citizens_cannot_answer(
    api, as_user, proposal, citizen
):
    c = comment(citizen, proposal)
    stranger = f.official_of(f.InstitutionFactory())
    for client in (as_user(stranger), as_user(citizen), api):
        response = client.put(comment_url(c, "response/"), {"outcome": "accepted"}, format="json")
        assert response.status_code == 403
    # The permission is checked before the article named is looked up.
    response = as_user(stranger).put(
        comment_url(c, "response/"),
        {"outcome": "accepted", "reflected_in": "neni-99"},
        format="json",
    )
    assert response.status_code == 403
    assert not OfficialResponse.objects.exists()


# --- blocking ------------------------------------------------------------------------------


def test_moderator_blocks_a_person(as_user, proposal, citizen):
    moderator = f.moderator()

    response = as_user(moderator).post(
        f"{API}/users/{citizen.pk}/block/", {"reason": "Fyerje të përsëritura"}, format="json"
    )

    assert response.status_code == 200, response.data
    assert response.data["user"] == citizen.pk
    assert ParticipationBlock.objects.get(user=citizen).blocked_by == moderator


def test_block_refusals(api, as_user, citizen, official, staff):
    url = f"{API}/users/{citizen.pk}/block/"
    for client in (api, as_user(official), as_user(f.UserFactory())):
        assert client.post(url, {"reason": "x"}, format="json").status_code == 403
    # A non-moderator learns nothing about which ids exist.
    assert as_user(official).post(f"{API}/users/999999/block/", {"reason": "x"}).status_code == 403
    moderator = as_user(f.moderator())
    assert moderator.post(f"{API}/users/999999/block/", {"reason": "x"}).status_code == 404
    blank = moderator.post(url, {"reason": "   "}, format="json")
    assert blank.status_code == 400 and "reason" in blank.data
    assert moderator.post(url, {}, format="json").status_code == 400
    assert not ParticipationBlock.objects.exists()


# --- tracking numbers ----------------------------------------------------------------------


def test_anyone_with_the_tracking_number_sees_the_status(api, proposal, citizen, official):
    c = comment(citizen, proposal)
    url = f"{API}/submissions/{c.tracking_number}/"

    before = api.get(url)
    services.response_set(actor=official, comment=c, outcome="noted")
    after = api.get(url.lower())

    assert before.status_code == 200
    assert before.data["kind"] == "comment" and before.data["status"] == "published"
    assert before.data["consultation"] == proposal.consultation.slug
    assert before.data["proposal"] == proposal.slug
    assert before.data["response"] is None
    assert after.data["response"]["outcome"] == "noted"
    Consultation.objects.filter(pk=proposal.consultation_id).update(
        responses_visibility="with_report"
    )
    assert api.get(url).data["response"] is None
    assert api.get(f"{API}/submissions/KON-1999-000001/").status_code == 404


def test_status_of_a_hidden_comment_does_not_show_its_text(api, proposal, citizen, official):
    c = comment(citizen, proposal, body="Teksti i fshehur.")
    services.comment_hide(actor=official, comment=c, reason="abuse")

    response = api.get(f"{API}/submissions/{c.tracking_number}/")

    assert response.data["status"] == "hidden"
    assert "Teksti i fshehur" not in json.dumps(response.json())
    assert Comment.objects.get().status == "hidden"
