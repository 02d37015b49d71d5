"""Rate limits, one test for each that no other test file covers.

Already covered elsewhere (not repeated here):

* failed logins per account: ``tests/accounts/test_signup.py``
  (``test_repeated_failing_logins_are_refused_even_with_the_right_password``);
* account deletion attempts: ``tests/accounts/test_personal_data.py``;
* comments: ``tests/comments/test_services.py`` (service),
  ``tests/web_comments/test_comment_form.py`` (form error) and
  ``tests/api_comments/test_create.py`` (API 400);
* WebSocket messages: ``tests/realtime/test_protocol.py`` (close code 4429, sliding window);
* hearing questions: ``tests/hearings/test_services.py``.

Here: sign-in attempts per address and sign-ups (allauth), flags (service and page), and the
API's throttles for anonymous and signed-in clients (DRF). Limits are lowered through settings,
the way an operator would tune them; counters live in the cache, which each test empties.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import User
from comments import services as comment_services
from comments.models import Comment, Flag
from tests import factories as f
from tests.factories import clear_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    clear_cache()
    yield
    clear_cache()


def english_client(**extra) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **extra)
    client.cookies["konsulta_language"] = "en"
    return client


# --- allauth ---------------------------------------------------------------------------------


def test_sign_in_attempts_from_one_address_are_limited(settings):
    """``login``: every attempt from one address counts, whichever account it names."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    person = f.UserFactory(email="qytetari.ip@example.org")
    client = english_client(REMOTE_ADDR="203.0.113.7")
    for n in range(3):
        response = client.post(
            reverse("account_login"),
            {"login": f"tjeter{n}@example.org", "password": "gabim-gabim-123"},
        )
        assert response.status_code == 200
    refused = client.post(
        reverse("account_login"), {"login": person.email, "password": "kalimi-sekret-123"}
    )
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = english_client(REMOTE_ADDR="203.0.113.8")
    ok = other.post(
        reverse("account_login"), {"login": person.email, "password": "kalimi-sekret-123"}
    )
    assert ok.status_code == 302
    assert other.session["_auth_user_id"] == str(person.pk)


def test_sign_ups_from_one_address_are_limited(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = english_client(REMOTE_ADDR="203.0.113.9")
    page = client.get(reverse("account_signup"))
    form = page.context["form"]
    extra = {
        name: (field.initial or "")
        for name, field in form.fields.items()
        if name not in ("email", "password1", "password2")
    }
    for n in range(2):
        response = client.post(
            reverse("account_signup"),
            {
                **extra,
                "email": f"i.ri{n}@example.org",
                "password1": "fjalekalim-i-forte-2026",
                "password2": "fjalekalim-i-forte-2026",
                "display_name": f"Person i Ri {n}",
                "accept_terms": "on",
            },
        )
        assert response.status_code in (200, 302)
        client.cookies.pop("sessionid", None)
    created = User.objects.filter(email__startswith="i.ri").count()
    assert created == 2
    refused = client.post(
        reverse("account_signup"),
        {
            **extra,
            "email": "i.ri9@example.org",
            "password1": "fjalekalim-i-forte-2026",
            "password2": "fjalekalim-i-forte-2026",
            "display_name": "Person i Ri 9",
            "accept_terms": "on",
        },
    )
    assert refused.status_code == 429
    assert not User.objects.filter(email="i.ri9@example.org").exists()
    assert User.objects.filter(email__startswith="i.ri").count() == created


# --- flags -------------------------------------------------------------------------------------


def _comments(proposal, n):
    made = []
    for i in range(n):
        author = f.UserFactory()
        made.append(
            comment_services.comment_create(
                actor=author,
                proposal=proposal,
                section=None,
                body=f"Koment numër {i} për dokumentin.",
                stance="neutral",
                consent="name",
                participant_type="citizen",
            )
        )
    return made


def test_flags_are_limited_per_person(settings, proposal, citizen):
    settings.FLAG_RATE_LIMIT = "2/3600"
    first, second, third = _comments(proposal, 3)
    comment_services.flag_create(actor=citizen, comment=first, reason="spam")
    comment_services.flag_create(actor=citizen, comment=second, reason="spam")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        comment_services.flag_create(actor=citizen, comment=third, reason="spam")
    assert "flagged 2 comments" in " ".join(refused.value.messages)
    assert Flag.objects.filter(user=citizen).count() == 2
    # Someone else may still flag it.
    comment_services.flag_create(actor=f.UserFactory(), comment=third, reason="spam")


def test_flag_limit_on_the_page_is_a_translated_error(settings, proposal, citizen):
    settings.FLAG_RATE_LIMIT = "1/3600"
    first, second = _comments(proposal, 2)
    client = english_client()
    client.force_login(citizen)
    url = lambda c: reverse("comments:comment_flag", kwargs={"pk": c.pk})  # noqa: E731
    assert client.post(url(first), {"reason": "spam"}, HTTP_ACCEPT="application/json").json()["ok"]
    refused = client.post(url(second), {"reason": "spam"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400
    assert "Please wait before flagging more." in refused.json()["error"]
    client.cookies["konsulta_language"] = "sq"
    in_albanian = client.post(
        url(second), {"reason": "spam"}, HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="sq"
    )
    assert in_albanian.status_code == 400
    assert "Please wait" not in in_albanian.json()["error"]
    assert Flag.objects.filter(user=citizen).count() == 1
    assert Comment.objects.get(pk=second.pk).flag_count == 0


# --- the API (DRF throttles) ---------------------------------------------------------------------


@pytest.fixture
def low_api_rates(monkeypatch):
    """DRF reads its rates once, at import (``SimpleRateThrottle.THROTTLE_RATES``); lower them
    for the test the way ``API_THROTTLE_ANON`` / ``API_THROTTLE_USER`` do at start-up."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "5/min"})


def test_anonymous_api_clients_are_throttled(low_api_rates, settings):
    from django.conf import settings as live

    assert live.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]  # the project's own configuration
    client = english_client(REMOTE_ADDR="198.51.100.4")
    for _ in range(3):
        assert client.get("/api/v1/consultations/").status_code == 200
    refused = client.get("/api/v1/consultations/")
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert "throttled" in refused.json()["detail"].lower()
    # A different address has its own budget.
    assert (
        english_client(REMOTE_ADDR="198.51.100.5").get("/api/v1/consultations/").status_code == 200
    )


def test_signed_in_api_clients_are_throttled_per_account(low_api_rates, citizen):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=citizen)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    # The same account from two addresses shares one budget.
    a = english_client(REMOTE_ADDR="198.51.100.6")
    b = english_client(REMOTE_ADDR="198.51.100.7")
    for n in range(5):
        client = a if n % 2 else b
        assert client.get("/api/v1/consultations/", **headers).status_code == 200
    assert a.get("/api/v1/consultations/", **headers).status_code == 429
    assert b.get("/api/v1/consultations/", **headers).status_code == 429
    # Writes count too: a throttled client cannot create anything.
    refused = a.post("/api/v1/consultations/", {}, content_type="application/json", **headers)
    assert refused.status_code == 429
