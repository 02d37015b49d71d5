"""Security headers that Django 5.2 does not set by itself.

``SecurityHeadersMiddleware`` (right after Django's ``SecurityMiddleware`` in ``MIDDLEWARE``, so
that it also covers the static files WhiteNoise answers) adds to every response:

* ``Content-Security-Policy`` (or ``Content-Security-Policy-Report-Only`` with
  ``CSP_REPORT_ONLY=1``): scripts, styles, fonts and connections from this origin only, no inline
  script or style, no plugins, no ``<base>``, no framing, forms post to this origin only. The
  same policy in development and production, so that a violation shows up early. ``connect-src``
  names ``ws://<host>`` and ``wss://<host>`` explicitly (from the request's validated host) for
  the live updates. CSP3 lets ``'self'`` alone cover same-origin WebSockets, and Chromium does
  (checked with Chromium 156: same host allowed, another host blocked, with either form), but
  older Safari and Firefox did not; the explicit form works everywhere and allows nothing more
  (a page served over HTTPS cannot open ``ws://`` anyway: mixed content).
* ``Permissions-Policy``: no camera, microphone, geolocation, payment, USB, ... for anyone.
* ``Cross-Origin-Opener-Policy: same-origin``, also on the API docs page, where drf-spectacular
  relaxes it to ``unsafe-none`` for OAuth2 pop-ups that Konsulta does not use.

Django's ``SecurityMiddleware`` sets the others from settings: ``Referrer-Policy``,
``X-Content-Type-Options``, HSTS; ``XFrameOptionsMiddleware`` sets ``X-Frame-Options``.

The one page that needs an inline script is the API docs (``/api/docs/``): drf-spectacular's
Swagger UI template initialises the UI with an inline ``<script>`` and a ``<style>`` built from
settings and the request (schema URL, CSRF header). Rather than relax the policy or fork that
script, the template override ``templates/drf_spectacular/swagger_ui.html`` puts a nonce on
these two elements: ``request.csp_nonce`` is a fresh random value per request, generated only if
a template uses it, and only then added to ``script-src`` and ``style-src`` as ``'nonce-...'``.
Every other page has no nonce and so no inline script at all.

In ``DEBUG`` mode, Django's own error pages (the yellow 404/500 pages, which are inline styles
and scripts) get ``'unsafe-inline'``; they never exist in production.
"""

from __future__ import annotations

import secrets

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.functional import SimpleLazyObject, empty

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def _new_nonce() -> str:
    return secrets.token_urlsafe(18)


def _nonce_used(request) -> str | None:
    nonce = getattr(request, "csp_nonce", None)
    if isinstance(nonce, SimpleLazyObject) and nonce._wrapped is not empty:
        return str(nonce)
    return None


def _websocket_sources(request) -> list[str]:
    try:
        host = request.get_host()  # validated against ALLOWED_HOSTS: only [a-z0-9.:-[]] chars
    except DisallowedHost:
        return []
    return [f"ws://{host}", f"wss://{host}"]


def content_security_policy(request, response) -> str:
    """The policy for this response (see the module docstring)."""
    script_src = ["'self'"]
    style_src = ["'self'"]
    nonce = _nonce_used(request)
    if nonce:
        script_src.append(f"'nonce-{nonce}'")
        style_src.append(f"'nonce-{nonce}'")
    if settings.DEBUG and response.status_code in (404, 500):
        script_src.append("'unsafe-inline'")
        style_src.append("'unsafe-inline'")
    directives = {
        "default-src": ["'self'"],
        "script-src": script_src,
        "style-src": style_src,
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *_websocket_sources(request)],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy and COOP on every response (sync and async)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        self.process_request(request)
        return self.process_response(request, self.get_response(request))

    async def __acall__(self, request):
        self.process_request(request)
        return self.process_response(request, await self.get_response(request))

    @staticmethod
    def process_request(request) -> None:
        request.csp_nonce = SimpleLazyObject(_new_nonce)

    @staticmethod
    def process_response(request, response):
        report_only = getattr(settings, "CSP_REPORT_ONLY", False)
        header = "Content-Security-Policy" + ("-Report-Only" if report_only else "")
        if header not in response:  # a view may set a stricter policy of its own
            response[header] = content_security_policy(request, response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            response["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
        return response
