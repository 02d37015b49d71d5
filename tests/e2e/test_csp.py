"""The Content-Security-Policy in a real browser: the pages work and nothing is blocked.

Every page is loaded in Chromium against the real ASGI server; the test collects the console
messages and the ``securitypolicyviolation`` events (recorded by a script Playwright injects,
which CSP does not govern) and expects none. The policy itself is in config/security.py.
"""

from __future__ import annotations

import re

import pytest

from tests import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def watched(page):
    """The page, plus the list of console messages and uncaught errors it produces."""
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    page.context.add_init_script(RECORD_VIOLATIONS)
    return page, messages


def assert_no_violation(page, messages: list[str]) -> None:
    csp = [m for m in messages if "Content Security Policy" in m or "Permissions-Policy" in m]
    assert not csp, csp
    assert page.evaluate("window.__cspViolations") == []
    assert not [m for m in messages if m.startswith("pageerror")], messages


@pytest.fixture
def proposal(transactional_db, draft_md):
    """An open consultation with the sample draft (created after the server's database is up)."""
    from proposals.services import proposal_import

    consultation = f.ConsultationFactory()
    official = f.official_of(consultation.institution)
    return proposal_import(
        actor=official, consultation=consultation, data=draft_md, filename="draft.md"
    )


def test_home_and_consultation_pages_have_no_violation(server_url, watched, proposal):
    page, messages = watched
    response = page.goto(f"{server_url}/")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.goto(f"{server_url}/consultations/")
    page.goto(f"{server_url}{proposal.consultation.get_absolute_url()}")
    assert proposal.consultation.title in page.content()
    assert_no_violation(page, messages)


def test_vote_with_javascript_under_the_policy(server_url, watched, proposal):
    """The vote script (a static file) runs and its fetch() is allowed by connect-src."""
    page, messages = watched
    voter = f.UserFactory()
    page.context.add_cookies([{"name": "konsulta_language", "value": "en", "url": server_url}])
    page.goto(f"{server_url}/accounts/login/")
    page.fill("input[name=login]", voter.email)
    page.fill("input[name=password]", "kalimi-sekret-123")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    page.goto(f"{server_url}{proposal.get_absolute_url()}")
    url_before = page.url
    fetches = []

    def record_fetch(request):
        if request.resource_type == "fetch" and "/vote/" in request.url:
            fetches.append(request.url)

    page.on("request", record_fetch)
    article = page.locator("#neni-2")
    with page.expect_response(re.compile(r"/vote/")) as answer:
        article.get_by_role("button", name="In favour").click()
    assert answer.value.status == 200
    assert answer.value.headers["content-type"].startswith("application/json")
    article.locator("[data-count=for]").filter(has_text="1").wait_for()
    assert fetches, "the vote was not sent with fetch()"
    assert page.url == url_before  # no page load: the script did it
    assert_no_violation(page, messages)

    from proposals.models import Vote

    assert Vote.objects.filter(user=voter, section__key="neni-2", choice="for").exists()


def test_api_docs_render_the_operations_under_the_policy(server_url, watched):
    """Swagger UI's inline init script carries the per-request nonce and runs."""
    page, messages = watched
    response = page.goto(f"{server_url}/api/docs/")
    policy = response.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([\w-]+)'", policy).group(1)
    assert f'<script nonce="{nonce}">' in response.text()
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 5
    assert "/api/v1/consultations/" in page.locator("#swagger-ui").inner_text()
    assert_no_violation(page, messages)


def test_websockets_only_to_the_same_host(server_url, watched, proposal):
    """connect-src lets a page open a WebSocket to its own host and nowhere else."""
    page, messages = watched
    page.goto(f"{server_url}{proposal.consultation.get_absolute_url()}")
    ws_base = server_url.replace("http://", "ws://")
    path = f"/ws/consultations/{proposal.consultation.slug}/"
    opened = page.evaluate(
        """(url) => new Promise((resolve) => {
             const ws = new WebSocket(url);
             ws.onopen = () => { ws.close(); resolve(true); };
             ws.onerror = () => resolve(false);
           })""",
        ws_base + path,
    )
    assert opened
    assert_no_violation(page, messages)

    other = ws_base.replace("127.0.0.1", "localhost") + path  # another origin, same server
    blocked = page.evaluate(
        """(url) => new Promise((resolve) => {
             document.addEventListener("securitypolicyviolation", () => resolve(true));
             try {
               const ws = new WebSocket(url);
               ws.onopen = () => resolve(false);
             } catch (e) { resolve(true); }
           })""",
        other,
    )
    assert blocked
    assert any("connect-src" in v for v in page.evaluate("window.__cspViolations"))
