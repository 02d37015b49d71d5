"""hearing.js in a real browser: posting and upvoting without leaving the page, other people's
posts, upvotes, answers and moderation appearing at once, and a person's typed text kept when
the hearing ends under them."""

from __future__ import annotations

import pytest

from hearings import services
from hearings.models import HearingItem
from tests import factories as f
from tests.realtime.conftest import session_cookie

from .conftest import make_hearing, post

pytestmark = [pytest.mark.realtime, pytest.mark.e2e]

LIVE = '[data-hearing-live][data-live-status="live"]'


def signed_in(page, server_url, user):  # noqa: F811
    page.context.add_cookies(
        [{"name": "sessionid", "value": session_cookie(user), "url": server_url}]
    )
    return page


def collect_errors(page):  # noqa: F811
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_a_live_hearing_in_two_browsers(server_url, browser, page, open_consultation):  # noqa: F811
    from playwright.sync_api import expect

    hearing = make_hearing(open_consultation, "live")
    writer = f.UserFactory(display_name="Arta Gashi")
    reader = f.UserFactory(display_name="Besa Krasniqi")
    official = f.official_of(open_consultation.institution)
    url = server_url + hearing.get_absolute_url()

    signed_in(page, server_url, writer)
    writer_errors = collect_errors(page)
    page.goto(url)
    page.wait_for_selector(LIVE)

    other = browser.new_context(locale="sq-AL").new_page()
    try:
        signed_in(other, server_url, reader)
        reader_errors = collect_errors(other)
        other.goto(url)
        other.wait_for_selector(LIVE)
        typing = other.locator("form[data-hearing-post] textarea[name=body]")
        typing.fill("Pyetja ime që ende po e shkruaj")

        # The writer posts through the page's form: no page load.
        page.locator("form[data-hearing-post] textarea[name=body]").fill(
            "A do të ketë fonde për komunat e vogla?"
        )
        page.locator("form[data-hearing-post] button[type=submit]").click()
        item = None
        for _ in range(100):
            item = HearingItem.objects.filter(hearing=hearing).first()
            if item:
                break
            page.wait_for_timeout(100)
        assert item is not None
        mine = page.locator(f"#item-{item.pk}")
        expect(mine).to_contain_text("A do të ketë fonde për komunat e vogla?")
        expect(mine.locator("[data-mine-tag]")).to_be_visible()
        expect(mine.locator("form[data-hearing-upvote]")).to_have_count(0)
        expect(page.locator("form[data-hearing-post] textarea[name=body]")).to_have_value("")

        # The reader sees it at once, with an upvote button; their own text is untouched.
        theirs = other.locator(f"#item-{item.pk}")
        expect(theirs).to_contain_text("A do të ketë fonde për komunat e vogla?")
        expect(theirs.locator("[data-author]")).to_have_text("Arta Gashi")
        expect(typing).to_have_value("Pyetja ime që ende po e shkruaj")

        theirs.locator("form[data-hearing-upvote] button").click()
        expect(theirs.locator("form[data-hearing-upvote] button")).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(mine.locator("[data-upvote-count]")).to_have_text("1")
        expect(theirs.locator("[data-upvote-count]")).to_have_text("1")

        services.item_mark_answered(actor=official, item=item, note="Po, sipas nenit 5.")
        for view in (mine, theirs):
            expect(view.locator("[data-answered-badge]")).to_be_visible()
            expect(view.locator("[data-answer-note]")).to_have_text("Po, sipas nenit 5.")

        second = post(f.UserFactory(), hearing, body="Tekst që do të fshihet", consent="hidden")
        hidden = other.locator(f"#item-{second.pk}")
        expect(hidden).to_contain_text("Tekst që do të fshihet")
        services.item_hide(actor=official, item=second, reason="spam")
        expect(other.locator(f"#item-{second.pk}.hearing-item--hidden")).to_be_visible()
        expect(hidden).not_to_contain_text("Tekst që do të fshihet")

        # The hearing ends while the reader is still typing: the form goes, the text stays.
        services.hearing_end(actor=official, hearing=hearing)
        expect(other.locator("form[data-hearing-post]")).to_have_count(0)
        expect(other.locator(".hearing-unsent textarea")).to_have_value(
            "Pyetja ime që ende po e shkruaj"
        )
        expect(
            other.locator("[data-hearing-region=header] [data-hearing-status]")
        ).to_have_attribute("data-hearing-status", "ended")
        assert not reader_errors, reader_errors
    finally:
        other.context.close()
    assert not writer_errors, writer_errors


def test_moderating_from_the_live_page(server_url, page, open_consultation):  # noqa: F811
    from playwright.sync_api import expect

    hearing = make_hearing(open_consultation, "live")
    official = f.official_of(open_consultation.institution)
    signed_in(page, server_url, official)
    errors = collect_errors(page)
    page.goto(server_url + hearing.get_absolute_url())
    page.wait_for_selector(LIVE)

    item = post(f.UserFactory(), hearing, body="Kur hyn në fuqi strategjia?", consent="hidden")
    card = page.locator(f"#item-{item.pk}")
    expect(card).to_contain_text("Kur hyn në fuqi strategjia?")
    # Built from the page's template: the moderation controls of this person, for this item.
    card.locator("details.hearing-moderation__box").first.locator("summary").click()
    card.locator(f"#note-{item.pk}").fill("Në janar 2026.")
    card.locator(f'form[action$="/items/{item.pk}/answer/"] button').click()
    expect(card.locator("[data-answered-badge]")).to_be_visible()
    expect(card.locator("[data-answer-note]")).to_have_text("Në janar 2026.")
    item.refresh_from_db()
    assert item.status == "answered" and item.answer_note == "Në janar 2026."

    card.locator("details.hearing-moderation__box").nth(1).locator("summary").click()
    card.locator(f"#reason-{item.pk}").select_option("off_topic")
    card.locator(f'form[action$="/items/{item.pk}/hide/"] button').click()
    # The moderator's page fetched itself again: the hidden text for them, and "show again".
    expect(page.locator(f"#item-{item.pk}.hearing-item--hidden")).to_be_visible()
    expect(page.locator(f'#item-{item.pk} form[action$="/restore/"]')).to_be_visible()
    page.locator(f'#item-{item.pk} form[action$="/restore/"] button').click()
    expect(page.locator(f"#item-{item.pk}.hearing-item--answered")).to_be_visible()
    assert not errors, errors
