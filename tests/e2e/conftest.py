"""Browser journeys: Playwright driving the OS Chromium against a real ASGI server.

The fixtures (``server_url``, ``browser``, ``page``) come from the tests.browser plugin.
"""
