"""Who may open each page about submissions: anonymous -> sign-in, citizen -> 403, official of
another institution -> 403 (their own moderation queue: 200), official -> 200, moderator ->
the moderation pages only, staff -> the submissions, not the moderation actions (the rule
``comments.moderate_comment`` is for moderators and the institution's officials)."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from comments.models import Comment, ModerationAction, OfficialResponse, ParticipationBlock

ROLES = ["anonymous", "citizen", "other_official", "official", "moderator", "staff"]
OK, NO = 200, 403

# view -> role -> expected status (anonymous always goes to sign in)
MATRIX = {
    "list": {"citizen": NO, "other_official": NO, "official": OK, "moderator": NO, "staff": OK},
    "answer": {"citizen": NO, "other_official": NO, "official": OK, "moderator": NO, "staff": OK},
    "paper_pdf": {
        "citizen": NO,
        "other_official": NO,
        "official": OK,
        "moderator": NO,
        "staff": OK,
    },
    "moderation": {
        "citizen": NO,
        "other_official": OK,
        "official": OK,
        "moderator": OK,
        "staff": OK,
    },
    "hide": {"citizen": NO, "other_official": NO, "official": OK, "moderator": OK, "staff": NO},
    "restore": {"citizen": NO, "other_official": NO, "official": OK, "moderator": OK, "staff": NO},
    "block": {"citizen": NO, "other_official": NO, "official": NO, "moderator": OK, "staff": NO},
    "unblock": {"citizen": NO, "other_official": NO, "official": NO, "moderator": OK, "staff": NO},
}


@pytest.fixture
def person(request, citizen, other_official, official, moderator, staff):
    return {
        "anonymous": None,
        "citizen": citizen,
        "other_official": other_official,
        "official": official,
        "moderator": moderator,
        "staff": staff,
    }[request.param]


def _url(view: str, consultation, comment, paper) -> str:
    slug = consultation.slug if consultation is not None else ""
    if view == "list":
        return reverse("submissions:list", kwargs={"slug": slug})
    if view == "answer":
        number = comment.tracking_number
        return reverse("submissions:answer", kwargs={"slug": slug, "tracking_number": number})
    if view == "paper_pdf":
        number = paper.tracking_number
        return reverse("submissions:paper_pdf", kwargs={"slug": slug, "tracking_number": number})
    if view == "moderation":
        return reverse("submissions:moderation")
    if view == "unblock":
        return reverse("submissions:unblock", kwargs={"user_id": comment.author_id})
    return reverse(f"submissions:{view}", kwargs={"tracking_number": comment.tracking_number})


@pytest.mark.parametrize("view", list(MATRIX))
@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_get_permission_matrix(view, person, request, consultation, comment, paper, login):
    role = request.node.callspec.params["person"]
    response = login(person).get(_url(view, consultation, comment, paper))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "next=" in response["Location"]
    else:
        assert response.status_code == MATRIX[view][role], response.content[:300]


@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_only_the_institution_and_staff_can_post_an_answer(
    person, request, consultation, comment, login
):
    role = request.node.callspec.params["person"]
    url = _url("answer", consultation, comment, None)
    response = login(person).post(url, {"outcome": "accepted"})
    if role in ("official", "staff"):
        assert response.status_code == 302
        assert OfficialResponse.objects.filter(comment=comment).exists()
        return
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert not OfficialResponse.objects.exists()


def test_the_refusal_explains_itself(other_official, consultation, comment, login):
    response = login(other_official).post(
        _url("answer", consultation, comment, None),
        {"outcome": "rejected", "justification": "Jo."},
    )
    assert response.status_code == 403
    assert "Only officials of the institution" in response.content.decode()
    assert not OfficialResponse.objects.exists()


def test_citizen_gets_the_workspace_explanation(citizen, consultation, login):
    response = login(citizen).get(reverse("submissions:list", kwargs={"slug": consultation.slug}))
    assert response.status_code == 403
    assert "workspace/not_official.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("person", ["citizen", "other_official", "staff"], indirect=True)
def test_moderation_posts_refused_leave_nothing(person, comment, login):
    client = login(person)
    hide = client.post(_url("hide", None, comment, None), {"reason": "abuse", "note": "x"})
    block = client.post(_url("block", None, comment, None), {"reason": "Fyerje."})
    assert hide.status_code == 403 and block.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert not ModerationAction.objects.exists()
    assert not ParticipationBlock.objects.exists()


def test_the_moderation_address_is_not_taken_for_a_consultation(consultation):
    assert resolve("/workspace/moderation/").view_name == "submissions:moderation"
    assert resolve(f"/workspace/{consultation.slug}/").view_name == "workspace:manage"
    assert resolve(f"/workspace/{consultation.slug}/submissions/").view_name == "submissions:list"


def test_unknown_consultation_and_tracking_number_are_404(official, consultation, login):
    client = login(official)
    assert client.get("/workspace/nuk-ekziston/submissions/").status_code == 404
    url = reverse(
        "submissions:answer", kwargs={"slug": consultation.slug, "tracking_number": "KON-1-1"}
    )
    assert client.get(url).status_code == 404
    assert client.get("/workspace/moderation/KON-1-1/hide/").status_code == 404


def test_a_submission_of_another_consultation_is_not_found_here(
    official, institution, comment, login
):
    from tests import factories as f

    elsewhere = f.ConsultationFactory(institution=institution)
    url = reverse(
        "submissions:answer",
        kwargs={"slug": elsewhere.slug, "tracking_number": comment.tracking_number},
    )
    assert login(official).get(url).status_code == 404
