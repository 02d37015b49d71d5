"""No event carries what the public may not see: hidden text and wording, the identity of a
person who chose not to be shown, who reacted, flagged or voted, or any email address. Each
scenario serialises every event the group received and searches the JSON."""

from __future__ import annotations

import pytest

from comments import services as cs
from proposals import services as ps
from tests import factories as f
from tests.realtime.conftest import capture, dumps

pytestmark = [pytest.mark.realtime, pytest.mark.django_db]


def post(actor, proposal, **kw):
    data = {"body": "Një koment i zakonshëm.", "stance": "neutral", "participant_type": "citizen"}
    data.update(kw)
    data.setdefault("consent", "name")
    return cs.comment_create(actor=actor, proposal=proposal, **data)


def test_nothing_private_in_any_event(proposal, official, settings):
    settings.FLAGS_TO_HIDE = 2
    consultation = proposal.consultation
    article = proposal.sections.get(key="neni-2")
    anonymous = f.UserFactory(display_name="Drita Anonime", email="drita.anonime@example.org")
    cso = f.OrganisationFactory(name="Lëvizja Qytetare")
    member = f.member_of(cso, display_name="Besnik Anëtari", email="besnik@example.org")
    hidden_author = f.UserFactory(display_name="Gent Fshehuri", email="gent@example.org")
    reactor = f.UserFactory(display_name="Vjosa Reaguese", email="vjosa@example.org")
    voter = f.UserFactory(display_name="Arta Votuese", email="arta@example.org")
    flaggers = [f.UserFactory(display_name=f"Flamurtar {n}") for n in range(2)]
    moderator = f.moderator(display_name="Moderatori Mirë", email="mod@example.org")
    box = {}

    def write():
        box["anon"] = post(
            anonymous, proposal, consent="hidden", section=article, body="Mendimi i Dritës"
        )
        box["org"] = post(member, proposal, consent="organisation", organisation=cso)
        bad = post(
            hidden_author,
            proposal,
            section=article,
            body="TEKST QË DO TË FSHIHET",
            proposed_wording="FORMULIM QË DO TË FSHIHET",
        )
        box["bad"] = bad
        cs.reaction_set(actor=reactor, comment=box["anon"], value="agree")
        ps.vote_cast(actor=voter, proposal=proposal, choice="against")
        ps.vote_cast(actor=voter, proposal=proposal, section=article, choice="for")
        for flagger in flaggers:
            cs.flag_create(actor=flagger, comment=bad, reason="abuse", note="SHËNIM I FLAMURIT")
        bad.refresh_from_db()
        cs.comment_hide(actor=moderator, comment=bad, reason="abuse", note="SHËNIM I MODERATORIT")
        cs.response_set(
            actor=official, comment=bad, outcome="rejected", justification="PËRGJIGJE E FSHEHUR"
        )
        cs.response_set(actor=official, comment=box["anon"], outcome="accepted")
        post(hidden_author, proposal, parent=box["anon"], consent="hidden", body="Përgjigje")

    got = capture(consultation, write)
    text = dumps(got)
    assert [e["type"] for e in got] == [
        "comment.created",
        "comment.created",
        "comment.created",  # the later-hidden comment was public when it was posted
        "reaction.changed",
        "vote.changed",
        "vote.changed",
        "comment.hidden",  # after the second flag
        "comment.hidden",  # the moderator's decision
        "response.published",  # only the answer about the published comment
        "comment.created",
    ]
    after_hiding = dumps(got[6:])
    for secret in ("TEKST QË DO TË FSHIHET", "FORMULIM QË DO TË FSHIHET", "Gent Fshehuri"):
        assert secret not in after_hiding
    for secret in (
        "Drita Anonime",
        "Besnik Anëtari",
        "Vjosa Reaguese",
        "Arta Votuese",
        "Flamurtar",
        "Moderatori Mirë",
        official.display_name,
        "SHËNIM I FLAMURIT",
        "SHËNIM I MODERATORIT",
        "PËRGJIGJE E FSHEHUR",
        "@",  # no email address of anyone
    ):
        assert secret not in text, secret
    anon_event, org_event = got[0]["comment"], got[1]["comment"]
    assert anon_event["author"].endswith(f"#{box['anon'].participant.number}")
    assert anon_event["participant_number"] == box["anon"].participant.number
    assert org_event["author"] == "Lëvizja Qytetare"
    assert org_event["participant_number"] is None


def test_a_named_comment_does_not_reveal_the_number_of_the_same_persons_unnamed_ones(proposal):
    person = f.UserFactory(display_name="Liridon Dyfishi")
    got = capture(
        proposal.consultation,
        lambda: (
            post(person, proposal, consent="hidden", body="Pa emër"),
            post(person, proposal, consent="name", body="Me emër"),
        ),
    )
    unnamed, named = got[0]["comment"], got[1]["comment"]
    assert "Liridon" not in dumps(got[0])
    assert unnamed["participant_number"] is not None
    assert named["author"] == "Liridon Dyfishi"
    assert named["participant_number"] is None
    assert f"#{unnamed['participant_number']}" not in dumps(got[1])
