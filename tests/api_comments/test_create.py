"""Posting comments and replies over the API, and every way of getting it wrong."""

from __future__ import annotations

import pytest

from comments.models import Comment
from tests import factories as f
from tests.api.helpers import import_draft

from .helpers import close, comment, comments_url, valid_body

pytestmark = pytest.mark.django_db


def test_comment_on_an_article(as_user, proposal, citizen, mailoutbox):
    response = as_user(citizen).post(
        comments_url(proposal),
        valid_body(section="neni-1", proposed_wording="Neni 1 thotë ...", stance="against"),
        format="json",
    )

    assert response.status_code == 201, response.data
    stored = Comment.objects.get()
    assert response.data["id"] == stored.pk
    assert response.data["tracking_number"] == stored.tracking_number
    assert response.data["section"] == "neni-1"
    assert response.data["stance"] == "against"
    assert response.data["proposed_wording"] == "Neni 1 thotë ..."
    assert response.data["mine"] is True and response.data["status"] == "published"
    assert stored.author == citizen and stored.section.key == "neni-1"


def test_reply_takes_its_parents_section(as_user, proposal, article, citizen, second_citizen):
    parent = comment(citizen, proposal, section=article)

    response = as_user(second_citizen).post(
        comments_url(proposal), valid_body(parent=parent.pk), format="json"
    )

    assert response.status_code == 201, response.data
    assert (response.data["parent"], response.data["depth"]) == (parent.pk, 1)
    assert response.data["section"] == "neni-1"


def test_comment_as_organisation(as_user, proposal, cso, representative):
    response = as_user(representative).post(
        comments_url(proposal),
        valid_body(consent="organisation", organisation=cso.slug, participant_type="cso"),
        format="json",
    )

    assert response.status_code == 201, response.data
    assert response.data["author"] == cso.name


def test_markup_is_sanitised(as_user, proposal, citizen):
    body = (
        "**Fort** <script>alert(1)</script> [klik](javascript:alert(1)) "
        '<img src=x onerror="alert(1)"> <a href="https://rks-gov.net" onclick="x()">ok</a>'
    )

    response = as_user(citizen).post(comments_url(proposal), valid_body(body=body), format="json")

    assert response.status_code == 201, response.data
    html = response.data["body_html"]
    assert "<strong>Fort</strong>" in html
    assert 'href="https://rks-gov.net"' in html
    for bad in ("<script", "javascript:", "onerror", "onclick", "<img", "alert(1)</"):
        assert bad not in html
    assert response.data["body"] == body  # the author's own Markdown, as written


@pytest.mark.parametrize(
    "change,field",
    [
        ({"body": ""}, "body"),
        ({"body": "   \n\t "}, "body"),
        ({"body": None}, "body"),
        ({"body": "a" * 5001}, "body"),
        ({"proposed_wording": "a" * 5001}, "proposed_wording"),
        ({"stance": "maybe"}, "stance"),
        ({"stance": None}, "stance"),
        ({"consent": "everyone"}, "consent"),
        ({"consent": "organisation"}, "organisation"),
        ({"participant_type": "alien"}, "participant_type"),
        ({"section": "neni-99"}, "section"),
        ({"parent": 999999}, "parent"),
        ({"parent": "abc"}, "parent"),
        ({"organisation": "no-such-org"}, "organisation"),
        ({"municipality": "Atlantis"}, "municipality"),
        ({"country": "123"}, "country"),
        ({"status": "hidden"}, "status"),
    ],
)
def test_bad_input_is_400_with_a_field_message(as_user, proposal, citizen, change, field):
    response = as_user(citizen).post(comments_url(proposal), valid_body(**change), format="json")

    assert response.status_code == 400, response.data
    assert field in response.data, response.data
    assert all(isinstance(m, str) and m for m in response.data[field])
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("missing", ["body", "stance", "consent", "participant_type"])
def test_missing_fields(as_user, proposal, citizen, missing):
    data = valid_body()
    del data[missing]

    response = as_user(citizen).post(comments_url(proposal), data, format="json")

    assert response.status_code == 400
    assert missing in response.data
    assert Comment.objects.count() == 0


def test_messages_are_the_services_own(as_user, proposal, citizen):
    client = as_user(citizen)

    empty = client.post(comments_url(proposal), valid_body(body="  "), format="json")
    stance = client.post(comments_url(proposal), valid_body(stance="maybe"), format="json")

    assert empty.data["body"] == ["Write your comment; it cannot be empty."]
    assert stance.data["stance"] == ["Choose in favour, against or neutral."]


def test_organisation_of_which_you_are_not_a_member(as_user, proposal, citizen, cso):
    response = as_user(citizen).post(
        comments_url(proposal),
        valid_body(consent="organisation", organisation=cso.slug),
        format="json",
    )

    assert response.status_code == 400
    assert "organisation" in response.data
    assert Comment.objects.count() == 0


def test_reply_to_a_comment_of_another_consultation(as_user, proposal, citizen, official):
    other = f.ConsultationFactory()
    other_proposal = import_draft(other, f.official_of(other.institution))
    foreign = comment(citizen, other_proposal)

    response = as_user(citizen).post(
        comments_url(proposal), valid_body(parent=foreign.pk), format="json"
    )

    assert response.status_code == 400
    assert "parent" in response.data
    assert Comment.objects.filter(proposal=proposal).count() == 0


def test_replies_go_three_levels_deep_and_no_deeper(as_user, proposal, citizen, second_citizen):
    root = comment(citizen, proposal)
    r1 = comment(second_citizen, proposal, parent=root)
    r2 = comment(citizen, proposal, parent=r1)

    response = as_user(second_citizen).post(
        comments_url(proposal), valid_body(parent=r2.pk), format="json"
    )

    assert response.status_code == 400
    assert response.data["parent"] == ["Replies can go at most three levels deep."]
    assert Comment.objects.count() == 3


def test_closed_consultation_is_403(as_user, proposal, citizen):
    close(proposal.consultation)

    response = as_user(citizen).post(comments_url(proposal), valid_body(), format="json")

    assert response.status_code == 403
    assert "open consultation" in response.data["detail"]
    assert Comment.objects.count() == 0


def test_unverified_anonymous_and_blocked_are_403(api, as_user, proposal, unverified, citizen):
    from comments.services import participation_block

    assert (
        as_user(unverified).post(comments_url(proposal), valid_body(), format="json").status_code
        == 403
    )
    assert api.post(comments_url(proposal), valid_body(), format="json").status_code == 403
    participation_block(actor=f.moderator(), user=citizen, reason="Spam i përsëritur")
    assert (
        as_user(citizen).post(comments_url(proposal), valid_body(), format="json").status_code
        == 403
    )
    assert Comment.objects.count() == 0


def test_comments_on_a_draft_consultation_are_404(as_user, institution, official, citizen):
    draft = f.consultation_in_state("draft", institution=institution)
    proposal = import_draft(draft, official)

    response = as_user(citizen).post(comments_url(proposal), valid_body(), format="json")

    assert response.status_code == 404
    assert Comment.objects.count() == 0


def test_a_retry_with_the_same_idempotency_key_answers_the_same_comment(as_user, proposal, citizen):
    client = as_user(citizen, HTTP_IDEMPOTENCY_KEY="4f1c8a5e-retry")

    first = client.post(comments_url(proposal), valid_body(), format="json")
    second = client.post(comments_url(proposal), valid_body(), format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.data["id"] == second.data["id"]
    assert first.data["tracking_number"] == second.data["tracking_number"]
    assert Comment.objects.count() == 1
    other = as_user(citizen, HTTP_IDEMPOTENCY_KEY="another-key")
    assert other.post(comments_url(proposal), valid_body(), format="json").status_code == 201
    assert Comment.objects.count() == 2


def test_the_same_key_from_two_people_stores_two_comments(
    as_user, proposal, citizen, second_citizen
):
    for person in (citizen, second_citizen):
        client = as_user(person, HTTP_IDEMPOTENCY_KEY="same-key")
        assert client.post(comments_url(proposal), valid_body(), format="json").status_code == 201
    assert Comment.objects.count() == 2


def test_an_idempotency_key_too_long_is_400(as_user, proposal, citizen):
    client = as_user(citizen, HTTP_IDEMPOTENCY_KEY="k" * 65)

    response = client.post(comments_url(proposal), valid_body(), format="json")

    assert response.status_code == 400
    assert "idempotency_key" in response.data
    assert Comment.objects.count() == 0


def test_rate_limit_is_a_400(settings, as_user, proposal, citizen):
    settings.COMMENT_RATE_LIMIT = "1/600"
    client = as_user(citizen)
    assert client.post(comments_url(proposal), valid_body(), format="json").status_code == 201

    response = client.post(comments_url(proposal), valid_body(), format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.data
    assert Comment.objects.count() == 1


def test_form_encoded_posts_work_too(as_user, proposal, citizen):
    response = as_user(citizen).post(comments_url(proposal), valid_body(section="neni-2"))

    assert response.status_code == 201, response.data
    assert response.data["section"] == "neni-2"


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_the_same_key_store_one_comment(proposal, citizen):
    import threading

    from django.db import connection

    from tests.api.helpers import make_client

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises writers)")
    clients = [make_client(citizen, HTTP_IDEMPOTENCY_KEY="double-click") for _ in range(2)]
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def post(client):
        from django.db import connection as conn

        try:
            barrier.wait(timeout=10)
            answers.append(client.post(comments_url(proposal), valid_body(), format="json"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert len(answers) == 2
    assert {a.status_code for a in answers} <= {200, 201}
    assert len({a.data["id"] for a in answers}) == 1
    assert Comment.objects.count() == 1
