"""Security headers on every response (config/security.py and Django's SecurityMiddleware)."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

pytestmark = pytest.mark.django_db

STRICT_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
DISABLED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"]


def directives(policy: str) -> dict[str, str]:
    out = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        assert name not in out, f"{name} twice in {policy!r}"
        out[name] = value
    return out


def assert_security_headers(response, *, host: str = "testserver") -> dict[str, str]:
    policy = directives(response["Content-Security-Policy"])
    for name, value in STRICT_DIRECTIVES.items():
        assert policy[name] == value, (name, policy)
    assert policy["connect-src"] == f"'self' ws://{host} wss://{host}"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in DISABLED_FEATURES:
        assert f"{feature}=()" in permissions
    return policy


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/consultations/", 200),
        ("/healthz", 200),
        ("/api/v1/consultations/", 200),
        ("/api/schema/", 200),
        ("/accounts/login/", 200),
        ("/admin/login/", 200),
        ("/static/css/konsulta.css", 200),  # WhiteNoise answers before the views
        ("/static/favicon.svg", 200),
        ("/jsi18n/", 200),
        ("/no-such-page/", 404),
    ],
)
def test_every_response_has_the_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response)


def test_html_pages_are_not_framed(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"


def test_post_and_error_responses_have_the_headers(client, settings):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert_security_headers(response)
    response = client.post("/api/v1/consultations/", {}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert_security_headers(response)


def test_connect_src_names_the_requests_host(client, settings):
    settings.ALLOWED_HOSTS = ["konsulta.example.org"]
    response = client.get("/healthz", headers={"host": "konsulta.example.org"})
    assert_security_headers(response, host="konsulta.example.org")


def test_a_disallowed_host_still_gets_a_policy_without_it(client, settings):
    settings.ALLOWED_HOSTS = ["konsulta.example.org"]
    response = client.get("/", headers={"host": "evil.example.com"})
    assert response.status_code == 400
    policy = directives(response["Content-Security-Policy"])
    assert policy["connect-src"] == "'self'"
    assert "evil" not in response["Content-Security-Policy"]


def test_no_nonce_unless_a_template_uses_it(client):
    first = client.get("/")
    second = client.get("/consultations/")
    for response in (first, second):
        assert "nonce-" not in response["Content-Security-Policy"]


def test_api_docs_inline_script_carries_a_fresh_nonce(client):
    nonces = []
    for _ in range(2):
        response = client.get("/api/docs/")
        assert response.status_code == 200
        policy = directives(response["Content-Security-Policy"])
        match = re.fullmatch(r"'self' 'nonce-([\w-]{20,})'", policy["script-src"])
        assert match, policy
        nonce = match.group(1)
        assert policy["style-src"] == f"'self' 'nonce-{nonce}'"
        html = response.content.decode()
        assert f'<script nonce="{nonce}">' in html
        assert f'<style nonce="{nonce}">' in html
        assert "SwaggerUIBundle(" in html
        # drf-spectacular relaxes COOP for OAuth2 pop-ups; Konsulta has none.
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_report_only_switch(client, settings):
    settings.CSP_REPORT_ONLY = True
    response = client.get("/")
    assert "Content-Security-Policy" not in response
    policy = directives(response["Content-Security-Policy-Report-Only"])
    assert policy["script-src"] == "'self'"


def test_a_views_own_policy_is_kept(rf):
    from django.http import HttpResponse

    from config.security import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    response = SecurityHeadersMiddleware(view)(rf.get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "camera=()" in response["Permissions-Policy"]


def test_debug_error_pages_may_use_inline_code(client, settings):
    """Django's yellow debug pages are inline styles and scripts; only with DEBUG on."""
    response = client.get("/no-such-page/")
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    response = client.get("/")
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_async_requests_get_the_headers():
    """Under ASGI the middleware runs in async mode (no thread hop of its own)."""
    client = AsyncClient()
    for path in ("/healthz", "/static/css/konsulta.css"):
        response = async_to_sync(client.get)(path)
        assert response.status_code == 200
        assert_security_headers(response)
    response = async_to_sync(client.get)("/api/docs/")
    assert "'nonce-" in response["Content-Security-Policy"]


def test_middleware_supports_both_modes():
    from asgiref.sync import iscoroutinefunction

    from config.security import SecurityHeadersMiddleware

    async def async_view(request):
        raise AssertionError

    def sync_view(request):
        raise AssertionError

    assert iscoroutinefunction(SecurityHeadersMiddleware(async_view))
    assert not iscoroutinefunction(SecurityHeadersMiddleware(sync_view))
