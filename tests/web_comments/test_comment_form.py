"""Writing a comment or a reply through the pages: success, every refusal, nothing stored on
a refusal, one comment for a double submit."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from comments import services
from comments.models import Comment
from tests import factories as f

from .conftest import close, comment_data, make_comment, new_comment_url, section_url

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_comment_on_an_article(
    client_for, proposal, article, citizen, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            new_comment_url(proposal),
            comment_data(
                body="Propozoj një **ndryshim**.\r\nRreshti i dytë.",
                proposed_wording="1. Kjo strategji përcakton\r\nparimet.",
                municipality="Ferizaj",
                token="a1b2c3",
            ),
        )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == section_url(proposal) + f"#comment-{comment.pk}"
    assert comment.section == article and comment.author == citizen
    assert comment.municipality == "Ferizaj" and comment.idempotency_key == "a1b2c3"
    assert "\r" not in comment.body and "\r" not in comment.proposed_wording
    message = " ".join(messages_of(response))
    assert comment.tracking_number in message and "receipt" in message
    assert len(mailoutbox) == 1


def test_the_form_is_on_the_article_page_with_a_fresh_token(client_for, proposal, citizen):
    client = client_for(citizen)
    pages = [client.get(section_url(proposal)).content.decode() for _ in range(2)]
    tokens = []
    for html in pages:
        assert 'name="body"' in html and 'name="proposed_wording"' in html
        assert "Start from the current text" in html
        assert "Show only my organisation" not in html  # not a member of any organisation
        start = html.index('name="token"')
        tokens.append(html[start : start + 80].split('value="')[1].split('"')[0])
    assert tokens[0] != tokens[1] and len(tokens[0]) == 32


def test_members_may_show_only_their_organisation(client_for, proposal, cso):
    member = f.member_of(cso, display_name="Drilon Hoxha")
    client = client_for(member)
    html = client.get(section_url(proposal)).content.decode()
    assert "Show only my organisation" in html and cso.name in html
    response = client.post(
        new_comment_url(proposal),
        comment_data(consent="organisation", organisation=cso.pk, participant_type="cso"),
    )
    assert response.status_code == 302
    assert Comment.objects.get().organisation == cso
    page = client_for(None).get(section_url(proposal)).content.decode()
    assert cso.name in page and "Drilon Hoxha" not in page


def test_organisation_consent_needs_an_organisation_of_ones_own(client_for, proposal, cso):
    member = f.member_of(cso)
    other = f.OrganisationFactory()
    client = client_for(member)
    missing = client.post(new_comment_url(proposal), comment_data(consent="organisation"))
    foreign = client.post(
        new_comment_url(proposal), comment_data(consent="name", organisation=other.pk)
    )
    assert missing.status_code == 400 and "Choose the organisation to show" in missing.text
    assert foreign.status_code == 400 and "not a member of this organisation" in foreign.text
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "body,message",
    [
        ("", "Write your comment; it cannot be empty."),
        ("   \r\n\t  ", "Write your comment; it cannot be empty."),
        ("x" * 5001, "The comment is too long (at most 5000 characters, it has 5001)."),
    ],
)
def test_bad_bodies_are_form_errors(client_for, proposal, citizen, body, message):
    response = client_for(citizen).post(
        new_comment_url(proposal), comment_data(body=body, token="t-1")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="error-summary"' in html and 'aria-invalid="true"' in html
    assert (
        'id="id_body_error"' in html and 'aria-describedby="id_body_helptext id_body_error"' in html
    )
    assert 'value="t-1"' in html  # the same one-time token, for the corrected form
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("stance", "maybe", "Choose in favour, against or neutral."),
        ("consent", "everyone", "Choose how your name is shown."),
        ("participant_type", "alien", "Choose who you are."),
        ("municipality", "Beograd", "Choose a municipality from the list."),
        ("country", "ZZ", "Choose a country from the list."),
        ("proposed_wording", "y" * 5001, "The proposed wording is too long"),
    ],
)
def test_bad_choices_are_form_errors(client_for, proposal, citizen, field, value, message):
    response = client_for(citizen).post(new_comment_url(proposal), comment_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comment.objects.exists()


def test_municipality_and_country_together_are_refused(client_for, proposal, citizen):
    response = client_for(citizen).post(
        new_comment_url(proposal), comment_data(municipality="Pejë", country="CH")
    )
    assert response.status_code == 400 and "not both" in response.content.decode()


def test_double_submit_with_the_same_token_stores_one_comment(client_for, proposal, citizen):
    client = client_for(citizen)
    data = comment_data(token="9f1c0a5e2b7d4e3f8a6b1c2d3e4f5a6b")
    first = client.post(new_comment_url(proposal), data)
    second = client.post(new_comment_url(proposal), data)
    assert Comment.objects.count() == 1
    assert first["Location"] == second["Location"]
    other = client.post(new_comment_url(proposal), comment_data(token="another-token"))
    assert other.status_code == 302 and Comment.objects.count() == 2


def test_rate_limit_is_a_form_error(client_for, proposal, citizen, settings):
    settings.COMMENT_RATE_LIMIT = "2/600"
    client = client_for(citizen)
    for n in range(2):
        client.post(new_comment_url(proposal), comment_data(token=f"t{n}"))
    response = client.post(new_comment_url(proposal), comment_data(token="t3"))
    assert response.status_code == 400
    assert "You have posted 2 comments in the last 10 minutes" in response.content.decode()
    assert Comment.objects.count() == 2


def test_reply_form_page_and_reply(client_for, proposal, article, citizen, second_citizen):
    top = make_comment(second_citizen, proposal, article, body="Komenti i parë i diskutimit.")
    client = client_for(citizen)
    page = client.get(new_comment_url(proposal) + f"?parent={top.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Komenti i parë i diskutimit." in html and f'name="parent" value="{top.pk}"' in html
    response = client.post(
        new_comment_url(proposal), comment_data(parent=top.pk, body="Pajtohem.", section="")
    )
    reply = Comment.objects.get(parent=top)
    assert response.status_code == 302 and reply.section == article and reply.depth == 1


def test_reply_beyond_depth_is_refused(client_for, proposal, article, citizen, second_citizen):
    top = make_comment(citizen, proposal, article)
    reply = make_comment(second_citizen, proposal, parent=top)
    deepest = make_comment(citizen, proposal, parent=reply)
    client = client_for(second_citizen)
    page = client.get(new_comment_url(proposal) + f"?parent={deepest.pk}")
    assert "Replies can go at most three levels deep." in page.content.decode()
    assert 'name="body"' not in page.content.decode()
    response = client.post(new_comment_url(proposal), comment_data(parent=deepest.pk))
    assert response.status_code == 400
    assert "Replies can go at most three levels deep." in response.content.decode()
    assert Comment.objects.count() == 3


def test_reply_to_a_comment_of_another_consultation_is_refused(
    client_for, proposal, citizen, make_other_proposal
):
    other = make_other_proposal()
    elsewhere = make_comment(f.UserFactory(), other, other.sections.get(key="neni-1"))
    response = client_for(citizen).post(
        new_comment_url(proposal), comment_data(parent=elsewhere.pk, section="")
    )
    assert response.status_code == 400
    assert "You can only reply within the same draft." in response.content.decode()
    assert Comment.objects.count() == 1
    page = client_for(citizen).get(new_comment_url(proposal) + f"?parent={elsewhere.pk}")
    assert "You can only reply within the same draft." in page.content.decode()


def test_unknown_parent_and_article(client_for, proposal, citizen):
    client = client_for(citizen)
    response = client.post(new_comment_url(proposal), comment_data(parent="999999", section=""))
    assert response.status_code == 400
    assert "The comment you reply to does not exist." in response.content.decode()
    assert (
        client.post(new_comment_url(proposal), comment_data(section="neni-99")).status_code == 404
    )
    assert not Comment.objects.exists()


def test_nobody_comments_after_closing(client_for, proposal, citizen):
    close(proposal.consultation)
    client = client_for(citizen)
    page = client.get(section_url(proposal)).content.decode()
    assert 'name="body"' not in page and "This consultation is closed" in page
    response = client.post(new_comment_url(proposal), comment_data())
    assert response.status_code == 403
    assert "This consultation is closed" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "unverified", "blocked"])
def test_people_who_may_not_comment(client_for, proposal, unverified, who):
    if who == "anonymous":
        response = client_for(None).post(new_comment_url(proposal), comment_data())
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        user = unverified
        if who == "blocked":
            user = f.UserFactory()
            services.participation_block(actor=f.moderator(), user=user, reason="Spam.")
        response = client_for(user).post(new_comment_url(proposal), comment_data())
        assert response.status_code == 403
    assert not Comment.objects.exists()


def test_standalone_form_for_an_article(client_for, proposal, citizen):
    page = client_for(citizen).get(new_comment_url(proposal) + "?section=neni-1")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="section" value="neni-1"' in html
    assert "The current text of Article 1" in html
