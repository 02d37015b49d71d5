"""The author edits or withdraws their comment while the consultation is open; everyone can
read the earlier versions of a visible comment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comments import services
from comments.models import Comment
from tests import factories as f

from .conftest import close, make_comment, section_url

pytestmark = pytest.mark.django_db


def url(name, comment):
    return reverse(f"comments:{name}", kwargs={"pk": comment.pk})


def test_author_edits_and_the_page_says_edited(client_for, proposal, article, citizen):
    comment = make_comment(citizen, proposal, article, body="Versioni i parë i komentit.")
    client = client_for(citizen)
    form = client.get(url("comment_edit", comment))
    assert form.status_code == 200 and "Versioni i parë i komentit." in form.content.decode()
    response = client.post(
        url("comment_edit", comment),
        {"stance": "against", "body": "Versioni i dytë, më i qartë.", "proposed_wording": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == section_url(proposal) + f"#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.body == "Versioni i dytë, më i qartë." and comment.stance == "against"
    html = client_for(None).get(section_url(proposal)).content.decode()
    assert url("comment_versions", comment) in html and ">edited<" in html


def test_edit_errors_keep_the_comment(client_for, proposal, article, citizen):
    comment = make_comment(citizen, proposal, article, body="Teksti që mbetet.")
    response = client_for(citizen).post(
        url("comment_edit", comment), {"stance": "for", "body": "   "}
    )
    assert response.status_code == 400
    assert "Write your comment; it cannot be empty." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Teksti që mbetet." and comment.edited_at is None


def test_only_the_author_edits_or_withdraws(client_for, proposal, article, citizen, official):
    comment = make_comment(citizen, proposal, article)
    for user in (f.UserFactory(), official):
        client = client_for(user)
        assert client.get(url("comment_edit", comment)).status_code == 403
        assert (
            client.post(url("comment_edit", comment), {"body": "x", "stance": "for"}).status_code
            == 403
        )
        assert client.post(url("comment_withdraw", comment)).status_code == 403
    anonymous = client_for(None).get(url("comment_edit", comment))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    comment.refresh_from_db()
    assert comment.status == "published" and comment.edited_at is None


def test_withdraw_asks_first_then_withdraws(client_for, proposal, article, citizen):
    comment = make_comment(citizen, proposal, article, body="Do ta tërheq këtë.")
    client = client_for(citizen)
    confirm = client.get(url("comment_withdraw", comment))
    assert confirm.status_code == 200
    assert "Withdraw your comment?" in confirm.content.decode()
    assert Comment.objects.get().status == "published"
    response = client.post(url("comment_withdraw", comment))
    assert response.status_code == 302
    assert Comment.objects.get().status == "withdrawn"
    html = client_for(None).get(section_url(proposal)).content.decode()
    assert "Withdrawn by its author." in html and "Do ta tërheq këtë." not in html


def test_no_edit_or_withdraw_after_closing(client_for, proposal, article, citizen):
    comment = make_comment(citizen, proposal, article, body="Teksti i mbyllur.")
    close(proposal.consultation)
    client = client_for(citizen)
    edit = client.post(url("comment_edit", comment), {"stance": "for", "body": "Ndryshim vonë."})
    withdraw = client.post(url("comment_withdraw", comment))
    assert edit.status_code == 403 and withdraw.status_code == 403
    assert "while the consultation is open" in edit.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Teksti i mbyllur." and comment.status == "published"
    html = client.get(section_url(proposal)).content.decode()
    assert url("comment_edit", comment) not in html and url("comment_withdraw", comment) not in html


def test_versions_page_lists_every_version(client_for, proposal, article, citizen):
    comment = make_comment(citizen, proposal, article, body="Versioni **një**.")
    services.comment_edit(actor=citizen, comment=comment, body="Versioni **dy**.")
    services.reaction_set(actor=f.UserFactory(), comment=comment, value="agree")
    services.comment_edit(
        actor=citizen, comment=comment, body="Versioni <script>alert(1)</script>tre."
    )
    response = client_for(None).get(url("comment_versions", comment))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="history__item"') == 3
    assert (
        html.index("tre.") < html.index("<strong>dy</strong>") < html.index("<strong>një</strong>")
    )
    assert "<script>alert" not in html
    assert citizen.email not in html


def test_versions_of_hidden_and_withdrawn_comments_are_404_to_the_public(
    client_for, proposal, article, citizen, moderator
):
    hidden = make_comment(citizen, proposal, article)
    services.comment_hide(actor=moderator, comment=hidden, reason="spam")
    gone = make_comment(citizen, proposal, article)
    services.comment_withdraw(actor=citizen, comment=gone)
    client = client_for(None)
    assert client.get(url("comment_versions", hidden)).status_code == 404
    assert client.get(url("comment_versions", gone)).status_code == 404
    assert client_for(moderator).get(url("comment_versions", hidden)).status_code == 200
    assert (
        client.get(reverse("comments:comment_versions", kwargs={"pk": 999999})).status_code == 404
    )
