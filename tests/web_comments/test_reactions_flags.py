"""Agree / disagree and flags: a redirect with a message, or JSON for the script; nothing
stored on a refusal."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from comments.models import Comment, Flag, Reaction
from tests import factories as f

from .conftest import close, make_comment, section_url

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def react_url(comment):
    return reverse("comments:comment_react", kwargs={"pk": comment.pk})


def flag_url(comment):
    return reverse("comments:comment_flag", kwargs={"pk": comment.pk})


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_agree_then_take_it_back(client_for, proposal, article, citizen, second_citizen):
    comment = make_comment(citizen, proposal, article)
    client = client_for(second_citizen)
    back = section_url(proposal, query="?sort=oldest") + f"#comment-{comment.pk}"
    first = client.post(react_url(comment), {"value": "agree", "next": back})
    assert first.status_code == 302 and first["Location"] == back
    assert "You agree with this comment." in messages_of(first)
    html = client.get(section_url(proposal)).content.decode()
    assert (
        'value="agree" class="vote-button vote-button--for reaction-button" aria-pressed="true"'
        in html
    )
    again = client.post(react_url(comment), {"value": "agree"})
    assert again["Location"] == section_url(proposal) + f"#comment-{comment.pk}"
    assert not Reaction.objects.exists()
    assert Comment.objects.get().agree_count == 0


def test_reaction_as_json(client_for, proposal, article, citizen, second_citizen):
    comment = make_comment(citizen, proposal, article)
    client = client_for(second_citizen)
    data = client.post(react_url(comment), {"value": "disagree"}, **JSON).json()
    assert data == {
        "ok": True,
        "value": "disagree",
        "agree": 0,
        "disagree": 1,
        "message": "You disagree with this comment.",
    }
    data = client.post(react_url(comment), {"value": "agree"}, **JSON).json()
    assert data["value"] == "agree" and data["agree"] == 1 and data["disagree"] == 0


@pytest.mark.parametrize(
    "who,value,status",
    [
        ("author", "agree", 403),
        ("anonymous", "agree", 403),
        ("unverified", "agree", 403),
        ("other", "love", 400),
    ],
)
def test_reaction_refusals(client_for, proposal, article, citizen, unverified, who, value, status):
    comment = make_comment(citizen, proposal, article)
    user = {
        "author": citizen,
        "anonymous": None,
        "unverified": unverified,
        "other": f.UserFactory(),
    }[who]
    client = client_for(user)
    data = client.post(react_url(comment), {"value": value}, **JSON)
    assert data.status_code == status and data.json()["ok"] is False and data.json()["error"]
    plain = client.post(react_url(comment), {"value": value})
    assert plain.status_code == 302 and messages_of(plain)
    assert not Reaction.objects.exists()


def test_flag_once(client_for, proposal, article, citizen, second_citizen):
    comment = make_comment(citizen, proposal, article)
    client = client_for(second_citizen)
    first = client.post(flag_url(comment), {"reason": "spam", "note": "Reklamë e pastër."})
    assert first.status_code == 302
    assert "the moderators will review this comment" in " ".join(messages_of(first))
    twice = client.post(flag_url(comment), {"reason": "abuse"}, **JSON)
    assert twice.status_code == 400
    assert twice.json()["error"] == "You have already flagged this comment."
    assert Flag.objects.count() == 1 and Flag.objects.get().note == "Reklamë e pastër."


@pytest.mark.parametrize(
    "data,message",
    [
        ({"reason": "boring"}, "Choose a reason for the flag."),
        ({}, "Choose a reason for the flag."),
        ({"reason": "spam", "note": "n" * 501}, "The note is too long"),
    ],
)
def test_bad_flags(client_for, proposal, article, citizen, second_citizen, data, message):
    comment = make_comment(citizen, proposal, article)
    response = client_for(second_citizen).post(flag_url(comment), data, **JSON)
    assert response.status_code == 400 and message in response.json()["error"]
    assert not Flag.objects.exists()


def test_enough_flags_hide_the_comment(client_for, proposal, article, citizen, settings):
    settings.FLAGS_TO_HIDE = 2
    comment = make_comment(citizen, proposal, article, body="Reklamë për dyqanin tim.")
    for user in f.UserFactory.create_batch(2):
        client_for(user).post(flag_url(comment), {"reason": "spam"})
    html = client_for(None).get(section_url(proposal)).content.decode()
    assert "hidden by moderation (reason: Spam or advertising)" in html
    assert "Reklamë për dyqanin" not in html


def test_no_reaction_or_flag_after_closing(client_for, proposal, article, citizen, second_citizen):
    comment = make_comment(citizen, proposal, article)
    close(proposal.consultation)
    client = client_for(second_citizen)
    react = client.post(react_url(comment), {"value": "agree"})
    flag = client.post(flag_url(comment), {"reason": "spam"}, **JSON)
    assert react.status_code == 302 and messages_of(react)
    assert flag.status_code == 403 and "open consultation" in flag.json()["error"]
    assert not Reaction.objects.exists() and not Flag.objects.exists()
    html = client.get(section_url(proposal)).content.decode()
    assert react_url(comment) not in html and flag_url(comment) not in html
    assert "Agree:" in html  # the counts stay, without buttons


def test_reactions_and_flags_need_post(client_for, proposal, article, citizen):
    comment = make_comment(citizen, proposal, article)
    client = client_for(f.UserFactory())
    assert client.get(react_url(comment)).status_code == 405
    assert client.get(flag_url(comment)).status_code == 405


def test_unsafe_next_is_ignored(client_for, proposal, article, citizen, second_citizen):
    comment = make_comment(citizen, proposal, article)
    response = client_for(second_citizen).post(
        react_url(comment), {"value": "agree", "next": "https://evil.example/"}
    )
    assert response["Location"] == section_url(proposal) + f"#comment-{comment.pk}"
