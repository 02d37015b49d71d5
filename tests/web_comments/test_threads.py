"""What the article page and the whole-draft comments page show of each comment, to whom."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comments import services
from comments.models import Comment
from consult.models import Consultation
from tests import factories as f
from tests.web.conftest import assert_no_inline_script

from .conftest import executable_markup, make_comment, section_url

pytestmark = pytest.mark.django_db

XSS_BODY = (
    "<script>alert(1)</script> [kliko](javascript:alert(1)) "
    '<img src=x onerror="alert(1)"> <a href="javascript:alert(2)" onclick="alert(3)">lidhje</a> '
    "<svg onload=alert(4)></svg> **mirë**"
)
XSS_WORDING = "<script>alert(1)</script><img src=x onerror=alert(1)> javascript:alert(1)"
XSS_NAME = '<script>alert("emri")</script><img src=x onerror=alert(1)>'


def test_anonymous_visitor_reads_the_thread(client_for, proposal, article, citizen):
    make_comment(citizen, proposal, article, body="Komunat duhet të **përfshihen**.")
    html = client_for(None).get(section_url(proposal)).content.decode()
    assert "Komunat duhet të <strong>përfshihen</strong>." in html
    assert str(citizen) in html
    assert 'id="comments"' in html
    assert "Sign in" in html and 'name="body"' not in html  # no form, the way to sign in
    assert_no_inline_script(html)


@pytest.mark.parametrize("where", ["body", "wording", "display_name"])
def test_script_payloads_produce_no_executable_markup(client_for, proposal, article, where):
    author = f.UserFactory(display_name=XSS_NAME if where == "display_name" else "Arbër Çeku")
    make_comment(
        author,
        proposal,
        article,
        body=XSS_BODY if where == "body" else "Komenti im për nenin.",
        proposed_wording=XSS_WORDING if where == "wording" else "",
    )
    for user in (None, f.official_of(proposal.consultation.institution), author):
        html = client_for(user).get(section_url(proposal)).content.decode()
        assert "<script>alert" not in html
        assert executable_markup(html) == []
        assert "onerror=" not in html.replace("onerror=alert(1)&gt;", "")  # only escaped text
        if where == "body":
            assert "javascript:" not in html
            assert "<strong>mirë</strong>" in html


def test_escaped_payload_text_stays_readable(client_for, proposal, article):
    author = f.UserFactory(display_name=XSS_NAME)
    make_comment(author, proposal, article, proposed_wording=XSS_WORDING)
    html = client_for(None).get(section_url(proposal)).content.decode()
    assert "&lt;script&gt;alert(&quot;emri&quot;)&lt;/script&gt;" in html
    assert "<ins>&lt;script&gt;alert(" in html  # the wording, as text in the diff


def test_hidden_consent_never_shows_name_or_email_to_the_public(
    client_for, proposal, article, citizen, second_citizen
):
    first = make_comment(second_citizen, proposal, article)  # participant #1
    hidden = make_comment(citizen, proposal, article, consent="hidden")
    reply = make_comment(citizen, proposal, parent=first, consent="hidden", body="Përgjigje.")
    for user in (None, second_citizen):
        html = client_for(user).get(section_url(proposal)).content.decode()
        assert citizen.display_name not in html
        assert citizen.email not in html
        assert citizen.email.split("@")[0] not in html
        assert "Participant #2" in html
    track = client_for(None).get(
        reverse("comments:track", kwargs={"number": hidden.tracking_number})
    )
    assert track.status_code == 200
    page = track.content.decode()
    assert citizen.display_name not in page and citizen.email not in page
    assert reply.tracking_number


def test_officials_and_moderators_see_who_wrote_it(
    client_for, proposal, article, citizen, official, moderator
):
    make_comment(citizen, proposal, article, consent="hidden")
    for user in (official, moderator):
        html = client_for(user).get(section_url(proposal)).content.decode()
        assert "Participant #1" in html
        assert citizen.display_name in html and citizen.email in html
    other_official = f.official_of(f.InstitutionFactory())
    html = client_for(other_official).get(section_url(proposal)).content.decode()
    assert citizen.email not in html


def test_organisation_consent_shows_the_organisation_not_the_person(
    client_for, proposal, article, cso
):
    member = f.member_of(cso, display_name="Valbona Kryeziu")
    make_comment(member, proposal, article, consent="organisation", organisation=cso)
    html = client_for(None).get(section_url(proposal)).content.decode()
    assert cso.name in html
    assert "Valbona Kryeziu" not in html and member.email not in html


def test_place_stance_type_and_tracking_number_are_shown(client_for, proposal, article):
    a = make_comment(f.UserFactory(), proposal, article, municipality="Gjakovë", stance="against")
    b = make_comment(f.UserFactory(), proposal, article, country="DE", participant_type="academic")
    html = client_for(None).get(section_url(proposal)).content.decode()
    assert "Gjakovë" in html and "Germany" in html
    assert "stance--against" in html and "Academia" in html
    assert a.tracking_number in html and b.tracking_number in html


def test_hidden_and_withdrawn_comments_keep_their_place_without_text(
    client_for, proposal, article, citizen, second_citizen, moderator
):
    hidden = make_comment(citizen, proposal, article, body="Tekst i fshehur për moderim.")
    services.comment_hide(actor=moderator, comment=hidden, reason="abuse")
    gone = make_comment(second_citizen, proposal, article, body="Tekst që u tërhoq nga autori.")
    make_comment(citizen, proposal, parent=gone, body="Përgjigja mbetet në vend.")
    services.comment_withdraw(actor=second_citizen, comment=gone)
    html = client_for(None).get(section_url(proposal)).content.decode()
    assert "This comment was hidden by moderation (reason: Abusive or hateful)." in html
    assert "Tekst i fshehur" not in html
    assert "Withdrawn by its author." in html
    assert "Tekst që u tërhoq" not in html
    assert "Përgjigja mbetet në vend." in html
    assert f'id="comment-{hidden.pk}"' in html and f'id="comment-{gone.pk}"' in html
    # The moderators still read the hidden text; nobody reads the withdrawn one.
    staff_html = client_for(moderator).get(section_url(proposal)).content.decode()
    assert "Tekst i fshehur" in staff_html and "Tekst që u tërhoq" not in staff_html


def test_proposed_wording_is_a_word_diff_with_a_legend(client_for, proposal, article, citizen):
    text = article.children.get(number="2").body
    wording = (
        "1. "
        + article.children.get(number="1").body
        + "\n2. "
        + text.replace("të gjitha ministritë", "ministritë dhe komunat")
    )
    make_comment(citizen, proposal, article, proposed_wording=wording)
    html = client_for(None).get(section_url(proposal)).content.decode()
    assert "diff-legend" in html
    assert "<del>të gjitha </del>" in html or "<del>të gjitha" in html
    assert "<ins>" in html and "komunat" in html


def test_official_response_is_shown_once_public(client_for, proposal, article, citizen, official):
    comment = make_comment(citizen, proposal, article)
    services.response_set(
        actor=official,
        comment=comment,
        outcome="partially",
        justification="Pjesërisht: shtuam komunat në paragrafin 2.",
        reflected_in=proposal.sections.get(key="neni-2"),
    )
    consultation = proposal.consultation
    consultation.responses_visibility = Consultation.ResponsesVisibility.IMMEDIATE
    consultation.save()
    html = client_for(None).get(section_url(proposal)).content.decode()
    assert "Partially accepted" in html and "shtuam komunat" in html
    assert section_url(proposal, "neni-2") in html

    consultation.responses_visibility = Consultation.ResponsesVisibility.WITH_REPORT
    consultation.save()
    html = client_for(None).get(section_url(proposal)).content.decode()
    assert "shtuam komunat" not in html
    assert "shtuam komunat" in client_for(official).get(section_url(proposal)).content.decode()


def test_replies_go_three_levels_and_the_deepest_has_no_reply_link(
    client_for, proposal, article, citizen, second_citizen
):
    top = make_comment(citizen, proposal, article)
    reply = make_comment(second_citizen, proposal, parent=top, body="Niveli i dytë.")
    deepest = make_comment(citizen, proposal, parent=reply, body="Niveli i tretë.")
    html = client_for(f.UserFactory()).get(section_url(proposal)).content.decode()
    assert f"?parent={top.pk}" in html and f"?parent={reply.pk}" in html
    assert f"?parent={deepest.pk}" not in html
    assert "Niveli i tretë." in html


def test_sort_and_pages(client_for, proposal, article):
    users = f.UserFactory.create_batch(3)
    old = make_comment(users[0], proposal, article, body="Komenti më i vjetër.")
    liked = make_comment(users[1], proposal, article, body="Komenti më i pëlqyer.")
    new = make_comment(users[2], proposal, article, body="Komenti më i ri.")
    Comment.objects.filter(pk=liked.pk).update(agree_count=9)
    client = client_for(None)

    def order(query=""):
        html = client.get(section_url(proposal, query=query)).content.decode()
        return sorted([old, liked, new], key=lambda c: html.index(f'id="comment-{c.pk}"'))

    assert order() == [new, liked, old]
    assert order("?sort=oldest") == [old, liked, new]
    assert order("?sort=agreed") == [liked, new, old]
    assert order("?sort=nonsense") == [new, liked, old]


def test_pagination_links_and_stale_pages(client_for, proposal, article, settings):
    from comments import views

    users = f.UserFactory.create_batch(views.PAGE_SIZE + 2)
    for user in users:
        make_comment(user, proposal, article)
    client = client_for(None)
    first = client.get(section_url(proposal)).content.decode()
    assert "Page 1 of 2" in first and "?page=2#comments" in first
    second = client.get(section_url(proposal, query="?page=2")).content.decode()
    assert second.count('class="comment comment--') == 2
    for bad in ("?page=99", "?page=abc", "?page=-3"):
        assert client.get(section_url(proposal, query=bad)).status_code == 200


def test_whole_draft_comments_page(client_for, proposal, article, citizen):
    make_comment(citizen, proposal, None, body="Për gjithë projektin.")
    make_comment(citizen, proposal, article, body="Vetëm për nenin 1.")
    url = reverse(
        "comments:draft_comments",
        kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug},
    )
    html = client_for(citizen).get(url).content.decode()
    assert "Për gjithë projektin." in html and "Vetëm për nenin 1." not in html
    assert 'name="body"' in html and 'name="section"' not in html
    assert 'name="proposed_wording"' not in html


def test_proposal_page_shows_counts_per_article_and_for_the_whole_draft(
    client_for, proposal, article, citizen, second_citizen
):
    make_comment(citizen, proposal, article)
    top = make_comment(second_citizen, proposal, article)
    make_comment(citizen, proposal, parent=top, body="Përgjigje.")
    make_comment(citizen, proposal, None, body="Për gjithë projektin.")
    html = client_for(None).get(proposal.get_absolute_url()).content.decode()
    assert f'{section_url(proposal)}#comments">3 comments' in html
    assert f'{section_url(proposal, "neni-2")}#comments">0 comments' in html
    assert "1 comment on the whole draft" in html


def test_draft_consultation_comments_are_404(client_for, institution, official):
    consultation = f.consultation_in_state("draft", institution=institution)
    proposal = f.ProposalFactory(consultation=consultation)
    url = reverse(
        "comments:draft_comments", kwargs={"slug": consultation.slug, "proposal": proposal.slug}
    )
    assert client_for(None).get(url).status_code == 404
    assert client_for(f.UserFactory()).get(url).status_code == 404


def test_why_one_cannot_comment(client_for, proposal, unverified):
    html = client_for(unverified).get(section_url(proposal)).content.decode()
    assert "Confirm your email address to comment" in html and 'name="body"' not in html
    blocked = f.UserFactory()
    services.participation_block(actor=f.moderator(), user=blocked, reason="Fyerje të përsëritura.")
    html = client_for(blocked).get(section_url(proposal)).content.decode()
    assert "a moderator blocked it" in html and 'name="body"' not in html
