"""axe-core on the main pages, in a real browser (axe-playwright-python, which ships axe-core:
nothing is fetched), asserting no serious or critical violation (WCAG 2.2 AA is the aim).

axe injects its script into the page, which the site's Content-Security-Policy would block: the
browser context bypasses the CSP (``bypass_csp=True``); the CSP itself is tested in
``tests/e2e/test_csp.py``. People are signed in by handing the browser a session cookie made by
Django's test client.
"""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.e2e]

IMPACTS = ("serious", "critical")


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v.get("impact") in IMPACTS
    ]


def context_for(browser, server_url, user=None):
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    context.set_default_timeout(15_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server_url}]
        )
    return context


def check(browser, server_url, user, paths):
    context = context_for(browser, server_url, user)
    page = context.new_page()
    failures = []
    try:
        for path in paths:
            response = page.goto(server_url + path)
            assert response.status < 400, (path, response.status)
            assert "/accounts/login/" not in page.url, path  # signed in, on the page itself
            found = serious_violations(page)
            if found:
                failures.append(f"{path}: {found}")
    finally:
        context.close()
    assert not failures, "\n".join(failures)


def test_public_pages(server_url, browser, proposal):
    c = proposal.consultation
    check(
        browser,
        server_url,
        None,
        [
            "/",
            f"/consultations/{c.slug}/",
            f"/consultations/{c.slug}/{proposal.slug}/",
            f"/consultations/{c.slug}/{proposal.slug}/articles/neni-1/",
        ],
    )


def test_comment_and_position_paper_forms(server_url, browser, proposal):
    from tests import factories as f

    c = proposal.consultation
    citizen = f.UserFactory()
    check(browser, server_url, citizen, [f"/consultations/{c.slug}/{proposal.slug}/comments/new/"])
    representative = f.representative_of(f.OrganisationFactory())
    check(browser, server_url, representative, [f"/consultations/{c.slug}/position-papers/new/"])


def test_officials_workspace_and_report(server_url, browser, proposal, official):
    c = proposal.consultation
    check(
        browser,
        server_url,
        official,
        ["/workspace/", f"/workspace/{c.slug}/", f"/consultations/{c.slug}/report/"],
    )


def test_a_comment_with_the_keyboard_alone(server_url, browser, proposal):
    """From the top of the article page, Tab reaches every field of the comment form in order,
    each focused element shows a visible focus indicator, and the comment is published without
    touching the mouse."""
    from comments.models import Comment
    from tests import factories as f

    citizen = f.UserFactory()
    context = context_for(browser, server_url, citizen)
    page = context.new_page()
    c = proposal.consultation
    page.goto(f"{server_url}/consultations/{c.slug}/{proposal.slug}/articles/neni-1/")
    focused = """() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
            || style.boxShadow !== 'none';
        return {tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '',
                value: el.value || '', checked: !!el.checked, text: (el.innerText || '').trim(),
                form: el.closest('#comment-form') ? 'comment-form' : '', visible: visible};
    }"""
    chosen: set[str] = set()
    without_focus_indicator = []
    submitted = False
    try:
        for _ in range(400):  # bounded: the form is far less than 400 stops down the page
            page.keyboard.press("Tab")
            el = page.evaluate(focused)
            if el is None:
                continue
            if not el["visible"]:
                without_focus_indicator.append(el)
            if el["form"] != "comment-form":
                continue
            if el["type"] == "radio" and el["name"] not in chosen:
                # Tab enters a radio group once; Space picks the focused option.
                page.keyboard.press("Space")
                chosen.add(el["name"])
            elif el["tag"] == "textarea" and el["name"] == "body":
                page.keyboard.type("E shkruar vetëm me tastierë: shtoni afatet.")
            elif el["tag"] == "button" and el["type"] == "submit":
                with page.expect_navigation():
                    page.keyboard.press("Enter")
                submitted = True
                break
        assert submitted, "Tab never reached the comment form's submit button"
        comment = Comment.objects.get(author=citizen)
        assert comment.body == "E shkruar vetëm me tastierë: shtoni afatet."
        assert comment.tracking_number in page.locator("main").inner_text()
        assert not without_focus_indicator, without_focus_indicator[:5]
    finally:
        context.close()
