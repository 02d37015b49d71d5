"""live.js in a real browser: the indicator, events applied in place, presence, and a resync that
fetches the page again without touching what the reader is writing. (Here rather than in
tests/realtime/ so that it shares this directory's browser: one Playwright per process.)"""

from __future__ import annotations

import pytest
from django.db.models import F
from django.urls import reverse

from comments import services as cs
from consult.models import Consultation
from proposals import services as ps
from tests import factories as f
from tests.realtime.conftest import _live_settings, session_cookie  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.realtime, pytest.mark.e2e]

LIVE = '[data-live][data-live-status="live"]'


@pytest.fixture
def fast_presence(settings):
    settings.WS_PRESENCE_INTERVAL = 0.2


def section_url(base, proposal, key="neni-1"):
    path = reverse(
        "proposals:section",
        kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug, "key": key},
    )
    return base + path


def post(actor, proposal, section, body):
    return cs.comment_create(
        actor=actor,
        proposal=proposal,
        section=section,
        body=body,
        stance="against",
        consent="hidden",
        participant_type="citizen",
    )


def test_events_update_the_page_in_place(server_url, page, proposal, citizen):
    from playwright.sync_api import expect

    article = proposal.sections.get(key="neni-1")
    page.goto(section_url(server_url, proposal))
    page.wait_for_selector(LIVE)
    expect(page.locator("[data-live-state]")).to_have_attribute("role", "status")

    comment = post(citizen, proposal, article, "Një vërejtje e drejtpërdrejtë **e rëndësishme**.")
    card = page.locator(f"#comment-{comment.pk}")
    expect(card).to_contain_text("Një vërejtje e drejtpërdrejtë")
    expect(card.locator(".comment__body strong")).to_have_text("e rëndësishme")
    expect(card.locator(".comment__author")).to_contain_text(f"#{comment.participant.number}")
    expect(page.locator("#comments .comments__count")).to_contain_text("1")

    ps.vote_cast(actor=citizen, proposal=proposal, section=article, choice="for")
    footer = page.locator("article#neni-1 > .article__footer")
    expect(footer.locator('[data-count="for"]')).to_have_text("1")
    expect(footer.locator('[data-count="total"]')).to_have_text("1")

    cs.reaction_set(actor=f.UserFactory(), comment=comment, value="agree")
    expect(card.locator('[data-count="agree"]')).to_have_text("1")

    cs.comment_hide(actor=f.moderator(), comment=comment, reason="spam")
    expect(page.locator(f"#comment-{comment.pk}.comment--hidden")).to_be_visible()
    expect(card).not_to_contain_text("Një vërejtje e drejtpërdrejtë")
    expect(card.locator(".comment__notice")).to_be_visible()


def test_presence_is_shown(server_url, browser, page, proposal, fast_presence):
    from playwright.sync_api import expect

    url = section_url(server_url, proposal)
    page.goto(url)
    page.wait_for_selector(LIVE)
    expect(page.locator("[data-live-count]")).to_have_text("1")
    other = browser.new_context().new_page()
    try:
        other.goto(url)
        other.wait_for_selector(LIVE)
        expect(page.locator("[data-live-count]")).to_have_text("2")
    finally:
        other.context.close()
    expect(page.locator("[data-live-count]")).to_have_text("1")


def test_a_gap_refetches_the_page_and_keeps_what_the_reader_is_writing(
    server_url,
    page,
    proposal,
    citizen,
):
    from playwright.sync_api import expect

    article = proposal.sections.get(key="neni-1")
    writer = f.UserFactory()
    page.context.add_cookies(
        [{"name": "sessionid", "value": session_cookie(writer), "url": server_url}]
    )
    page.goto(section_url(server_url, proposal))
    page.wait_for_selector(LIVE)
    textarea = page.locator("#comment-form textarea[name=body]")
    textarea.fill("Teksti im që ende po e shkruaj")
    textarea.focus()

    # Numbers taken by writes whose events this page never receives: a gap.
    Consultation.objects.filter(pk=proposal.consultation_id).update(event_seq=F("event_seq") + 3)
    comment = post(citizen, proposal, article, "Komenti pas boshllëkut")

    # The page fetched itself again: the comment is there in the server's own markup.
    expect(page.locator(f"#comment-{comment.pk}:not(.comment--live)")).to_be_visible()
    expect(textarea).to_have_value("Teksti im që ende po e shkruaj")
    assert page.evaluate("document.activeElement && document.activeElement.name") == "body"
    assert page.evaluate("window.KonsultaLive.seq()") == 4


def test_the_page_without_javascript_is_a_normal_page(server_url, browser, proposal):
    context = browser.new_context(java_script_enabled=False)
    try:
        nojs = context.new_page()
        nojs.goto(section_url(server_url, proposal))
        assert nojs.locator("[data-live]").is_hidden()
        assert nojs.locator("article#neni-1").is_visible()
    finally:
        context.close()


def test_two_pages_and_a_server_restart(transactional_db, settings, browser, proposal):
    """Two pages on one article: a comment posted through the form of one appears in the other.
    The server then stops; a comment stored while it is away appears once the page has
    reconnected to the restarted server (same port), and the text a reader was typing stays."""
    from contextlib import ExitStack

    from playwright.sync_api import expect

    from comments.models import Comment
    from tests.asgi_server import free_port, serve_asgi

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    article = proposal.sections.get(key="neni-1")
    writer, other = f.UserFactory(), f.UserFactory()
    port = free_port()
    with ExitStack() as running:
        base = running.enter_context(serve_asgi(port=port))
        reader = browser.new_context(locale="sq-AL").new_page()
        reader.context.add_cookies(
            [{"name": "sessionid", "value": session_cookie(other), "url": base}]
        )
        reader.goto(section_url(base, proposal))
        reader.wait_for_selector(LIVE)
        writing = browser.new_context(locale="en-GB").new_page()
        writing.context.add_cookies(
            [
                {"name": "sessionid", "value": session_cookie(writer), "url": base},
                {"name": "konsulta_language", "value": "en", "url": base},
            ]
        )
        writing.goto(section_url(base, proposal))
        writing.check("input[name=stance][value=for]")
        writing.fill("textarea[name=body]", "E mbështes nenin, por shtoni afatet.")
        writing.check("input[name=consent][value=name]")
        writing.check("input[name=participant_type][value=citizen]")
        writing.get_by_role("button", name="Publish the comment").click()
        writing.wait_for_load_state()
        posted = Comment.objects.get(author=writer)
        expect(reader.locator(f"#comment-{posted.pk}")).to_contain_text("shtoni afatet")

        reader.locator("#comment-form textarea[name=body]").fill("Po shkruaj diçka")
        running.close()  # the server stops: the page notices and tries again
        expect(reader.locator("[data-live]")).not_to_have_attribute("data-live-status", "live")
        away = post(other, proposal, article, "Shkruar kur serveri ishte i ndalur")

        running.enter_context(serve_asgi(port=port))
        reader.wait_for_selector(LIVE, timeout=45_000)  # backoff: 1, 2, 4 … s with jitter
        expect(reader.locator(f"#comment-{away.pk}")).to_contain_text("serveri ishte i ndalur")
        expect(reader.locator("#comment-form textarea[name=body]")).to_have_value(
            "Po shkruaj diçka"
        )
        reader.context.close()
        writing.context.close()
