"""The moderation queue: flagged and hidden comments, hide / restore / block with who, when and
why recorded, the log of decisions, and a query count that does not grow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comments import services
from comments.models import Comment, Flag, ModerationAction, ParticipationBlock
from tests import factories as f

from .conftest import bulk_submissions, make_comment

QUEUE = "/workspace/moderation/"


def action_url(action: str, comment) -> str:
    return reverse(f"submissions:{action}", kwargs={"tracking_number": comment.tracking_number})


@pytest.fixture
def flagged(comment, second_citizen):
    services.flag_create(
        actor=second_citizen, comment=comment, reason="abuse", note="Gjuhë fyese në fund."
    )
    return comment


@pytest.fixture
def second_citizen(db):
    return f.UserFactory(display_name="Mirëlinda Çollaku", email="mirelinda@example.org")


def test_queue_shows_flags_with_who_and_why(official, flagged, login):
    response = login(official).get(QUEUE)
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [e["comment"] for e in entries] == [flagged]
    assert entries[0]["can_moderate"]
    html = response.content.decode()
    assert "Abusive or hateful" in html and "Gjuhë fyese në fund." in html
    assert "mirelinda@example.org" in html
    assert action_url("hide", flagged) in html
    assert action_url("block", flagged) not in html  # officials do not block people


def test_officials_see_only_their_institutions_moderators_see_all(
    other_official, moderator, flagged, login, client
):
    assert login(other_official).get(QUEUE).context["entries"] == []
    client.logout()
    entries = login(moderator).get(QUEUE).context["entries"]
    assert [e["comment"] for e in entries] == [flagged]


def test_official_hides_with_reason_and_note_recorded(official, flagged, login):
    response = login(official).post(
        action_url("hide", flagged), {"reason": "abuse", "note": "Fyen një zyrtar me emër."}
    )
    assert response.status_code == 302 and response["Location"] == QUEUE
    flagged.refresh_from_db()
    assert flagged.status == Comment.Status.HIDDEN and flagged.hidden_reason == "abuse"
    action = ModerationAction.objects.get(action="hide")
    assert (action.actor, action.comment, action.reason, action.note) == (
        official,
        flagged,
        "abuse",
        "Fyen një zyrtar me emër.",
    )
    assert action.created_at is not None
    assert flagged.history.first().history_user == official
    assert not Flag.objects.filter(comment=flagged, reviewed=False).exists()
    log = login(official).get(QUEUE).context["log"]
    assert log[0] == action


def test_moderator_restores_with_a_note(moderator, flagged, official, login):
    services.comment_hide(actor=official, comment=flagged, reason="abuse")
    response = login(moderator).post(action_url("restore", flagged), {"note": "Kritikë e lejuar."})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.status == Comment.Status.PUBLISHED
    action = ModerationAction.objects.get(action="restore")
    assert (action.actor, action.note) == (moderator, "Kritikë e lejuar.")
    assert flagged.history.first().history_user == moderator
    assert login(moderator).get(QUEUE).context["entries"] == []  # nothing left to review


def test_restoring_a_published_comment_is_explained(moderator, comment, login):
    response = login(moderator).post(action_url("restore", comment), {"note": ""})
    assert response.status_code == 400
    assert "Only a hidden comment can be restored." in response.content.decode()
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize(
    "data,field",
    [
        ({"reason": "rude"}, "reason"),
        ({}, "reason"),
        ({"reason": "spam", "note": "x" * 1001}, "note"),
    ],
)
def test_bad_hide_forms_are_refused(data, field, official, flagged, login):
    response = login(official).post(action_url("hide", flagged), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    flagged.refresh_from_db()
    assert flagged.status == Comment.Status.PUBLISHED
    assert not ModerationAction.objects.exists()


def test_moderator_blocks_and_unblocks_the_author(moderator, flagged, login):
    author = flagged.author
    client = login(moderator)
    response = client.post(action_url("block", flagged), {"reason": "Fyerje të përsëritura."})
    assert response.status_code == 302
    block = ParticipationBlock.objects.get(user=author)
    assert (block.blocked_by, block.reason) == (moderator, "Fyerje të përsëritura.")
    assert block.history.get().history_user == moderator
    action = ModerationAction.objects.get(action="block")
    assert (action.actor, action.target_user, action.note) == (
        moderator,
        author,
        "Fyerje të përsëritura.",
    )
    page = client.get(QUEUE)
    assert page.context["entries"][0]["author_blocked"]
    assert page.context["blocks"] == [block]
    html = page.content.decode()
    assert reverse("submissions:unblock", kwargs={"user_id": author.pk}) in html
    assert "Person blocked" in html

    # the blocked person can no longer take part
    author = type(author).objects.get(pk=author.pk)
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied)
        make_comment(author, flagged.proposal)

    response = client.post(
        reverse("submissions:unblock", kwargs={"user_id": author.pk}), {"note": "Kërkoi falje."}
    )
    assert response.status_code == 302
    assert not ParticipationBlock.objects.exists()
    unblock = ModerationAction.objects.get(action="unblock")
    assert (unblock.actor, unblock.target_user, unblock.note) == (
        moderator,
        author,
        "Kërkoi falje.",
    )


def test_blocking_needs_a_reason(moderator, flagged, login):
    response = login(moderator).post(action_url("block", flagged), {"reason": "  "})
    assert response.status_code == 400
    assert "Say why the person is blocked." in response.content.decode()
    assert not ParticipationBlock.objects.exists()


def test_officials_cannot_block(official, flagged, login):
    response = login(official).post(action_url("block", flagged), {"reason": "Fyerje."})
    assert response.status_code == 403
    assert not ParticipationBlock.objects.exists()


def test_other_official_cannot_hide(other_official, flagged, login):
    response = login(other_official).post(action_url("hide", flagged), {"reason": "spam"})
    assert response.status_code == 403
    flagged.refresh_from_db()
    assert flagged.status == Comment.Status.PUBLISHED


def test_auto_hidden_comment_can_be_kept_hidden(official, comment, settings, login):
    settings.FLAGS_TO_HIDE = 2
    for _ in range(2):
        services.flag_create(actor=f.UserFactory(), comment=comment, reason="spam")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    page = login(official).get(QUEUE)
    entry = page.context["entries"][0]
    assert entry["pending"]
    assert "Keep it hidden" in page.content.decode()
    assert "Hidden after flags, pending review" in page.content.decode()
    login(official).post(action_url("hide", comment), {"reason": "spam", "note": "Reklamë."})
    assert not login(official).get(QUEUE).context["entries"][0]["pending"]


def test_queue_query_count_does_not_grow(
    moderator, official, proposal, institution, draft_md, login, django_assert_max_num_queries
):
    from proposals.services import proposal_import

    client = login(moderator)
    small = proposal_import(
        actor=official,
        consultation=f.ConsultationFactory(institution=institution),
        data=draft_md,
        filename="d.md",
    )
    bulk_submissions(small.consultation, small, official, 30, papers=0, tag="S")
    for _ in range(3):
        services.comment_hide(
            actor=moderator,
            comment=Comment.objects.filter(status="published").first(),
            reason="spam",
        )
    # session, user, memberships, moderators group, count, page, flags, blocked authors, log,
    # blocked people
    with django_assert_max_num_queries(10) as small_queries:
        response = client.get(QUEUE)
    assert 0 < len(response.context["entries"]) < 50
    bulk_submissions(proposal.consultation, proposal, official, 600, papers=0, tag="L")
    blocked = Comment.objects.filter(flag_count=2).select_related("author")[:5]
    for c in blocked:
        services.participation_block(actor=moderator, user=c.author, reason="Fyerje.")
    with django_assert_max_num_queries(10) as large_queries:
        response = client.get(QUEUE)
    assert len(response.context["entries"]) == 50
    assert len(small_queries) == len(large_queries)
    assert response.context["page"].paginator.count > 50
