"""No inline code in the pages: what the Content-Security-Policy would block.

No ``<script>`` without ``src`` (JSON data blocks are fine: never executed), no ``<style>``
element, no ``on*=`` handler attribute, no ``style=`` attribute, no ``javascript:`` URL. The only
exception is the API docs page, whose inline init script and style carry the per-request nonce
that the response's policy names (config/security.py).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories as f

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href"}


class InlineCodeFinder(HTMLParser):
    def __init__(self, nonce: str | None):
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> handler")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        nonced = self.nonce is not None and attributes.get("nonce") == self.nonce
        data_block = (attributes.get("type") or "").lower() == "application/json"
        if tag == "script" and "src" not in attributes and not nonced and not data_block:
            self.problems.append(f"inline <script {attributes}>")
        if tag == "style" and not nonced:
            self.problems.append("inline <style>")


def inline_code(response) -> list[str]:
    policy = response.get("Content-Security-Policy", "")
    match = re.search(r"'nonce-([\w-]+)'", policy)
    finder = InlineCodeFinder(match.group(1) if match else None)
    finder.feed(response.content.decode())
    finder.close()
    return finder.problems


def test_the_finder_finds_what_the_policy_blocks():
    from django.http import HttpResponse

    html = (
        '<p style="color:red" onclick="x()">a</p><a href=" JavaScript:alert(1)">b</a>'
        "<script>alert(1)</script><style>p{}</style>"
        '<script src="/static/x.js"></script><script type="application/json">{}</script>'
    )
    assert len(inline_code(HttpResponse(html))) == 5


@pytest.fixture
def pages(client, proposal, official):
    from proposals.services import proposal_version_publish

    text = f.SAMPLE_DRAFT_MD.replace(
        "Strategjia zbatohet për të gjitha ministritë.",
        "Strategjia zbatohet për të gjitha ministritë dhe agjencitë.",
    )
    proposal_version_publish(
        actor=official, proposal=proposal, data=text.encode(), filename="v2.md", note="v2"
    )
    keys = {"slug": proposal.consultation.slug, "proposal": proposal.slug}
    return {
        "home": reverse("consult:home"),
        "consultation list": reverse("consult:list"),
        "consultation": proposal.consultation.get_absolute_url(),
        "proposal": proposal.get_absolute_url(),
        "article": reverse("proposals:section", kwargs={**keys, "key": "neni-2"}),
        "versions": reverse("proposals:versions", kwargs=keys),
        "diff": reverse("proposals:diff", kwargs=keys) + "?from=1&to=2",
        "history": reverse("proposals:history", kwargs=keys),
        "sign in": reverse("account_login"),
        "sign up": reverse("account_signup"),
        "password reset": reverse("account_reset_password"),
        "API docs": reverse("api-docs"),
        "admin sign in": reverse("admin:login"),
    }


@pytest.mark.django_db
def test_public_pages_have_no_inline_code(client, pages):
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url)
        assert inline_code(response) == [], (name, url)


@pytest.mark.django_db
def test_signed_in_pages_have_no_inline_code(client, pages, citizen):
    client.force_login(citizen)
    for name in ("proposal", "article", "consultation"):
        response = client.get(pages[name])
        assert response.status_code == 200
        assert inline_code(response) == [], name
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert inline_code(response) == []


def test_api_docs_is_the_only_page_with_a_nonce(client, pages, db):
    for name, url in pages.items():
        policy = client.get(url)["Content-Security-Policy"]
        assert ("'nonce-" in policy) == (name == "API docs"), name


# The templates themselves, including pages the tests above do not render. Django comments
# ({# #}, {% comment %}) are removed first: they never reach the browser.
COMMENT_RE = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.DOTALL)
SOURCE_PATTERNS = {
    "inline <script>": re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=[\"']application/json)[^>]*>", re.IGNORECASE
    ),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "on*= handler": re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "style= attribute": re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}
# Renders the upstream inline script and style with the CSP nonce (see the file).
NONCED_TEMPLATES = {"drf_spectacular/swagger_ui.html"}
# Never sent to a browser: WeasyPrint's input for the PDF report, and emails (mail clients need
# inline styles). The browser tests load the pages; these are documents of another kind.
NOT_FOR_BROWSERS = ("reports/pdf.html", "account/email/", "emails/")


def test_template_sources_have_no_inline_code():
    root = Path(settings.BASE_DIR) / "templates"
    problems = []
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        if name in NONCED_TEMPLATES or name.startswith(NOT_FOR_BROWSERS):
            continue
        source = COMMENT_RE.sub("", path.read_text(encoding="utf-8"))
        for what, pattern in SOURCE_PATTERNS.items():
            for match in pattern.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                problems.append(f"{name}:{line}: {what}: {match.group(0)[:80]}")
    assert problems == []


def test_the_nonced_template_has_nonces_on_all_its_inline_code():
    path = Path(settings.BASE_DIR) / "templates" / "drf_spectacular" / "swagger_ui.html"
    source = COMMENT_RE.sub("", path.read_text(encoding="utf-8"))
    inline = re.findall(r"<(?:script|style)(?![^>]*\bsrc=)[^>]*>", source)
    assert inline and all('nonce="{{ request.csp_nonce }}"' in tag for tag in inline)
