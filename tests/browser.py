"""Browser fixtures (a pytest plugin, see tests/conftest.py): Playwright driving the OS Chromium
against a real ASGI server.

One plugin for every browser test in the suite: a fixture imported into two modules would be two
fixtures, and the second ``sync_playwright()`` would fail while the first is running. The browser
lives for one test module only: Playwright's sync API keeps an asyncio loop running in the test
thread while it is open, and the tests that follow in the same process (``async_to_sync`` in the
realtime tests) must not find it there.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from tests.asgi_server import serve_asgi

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def server_url(transactional_db, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with serve_asgi() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs it (apt chromium)")
    from playwright.sync_api import sync_playwright

    # While Playwright's loop runs in the test thread Django refuses ORM calls from that thread
    # unless told that this is deliberate. The test thread is not an async context in any sense
    # that matters (no coroutine shares its connection), so this is safe while the browser is open.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    profile = tempfile.mkdtemp(prefix="konsulta-chromium-")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sq-AL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
