"""A mail backend that is down for a while: the first ``FlakyBackend.failures`` sends raise, as
an SMTP server that refuses connections would; then it delivers to ``django.core.mail.outbox``
like the test backend."""

from __future__ import annotations

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    failures = 0
    attempts = 0

    def send_messages(self, messages):
        FlakyBackend.attempts += 1
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("[Errno 111] the mail server is down")
        return super().send_messages(messages)
