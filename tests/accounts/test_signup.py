"""Sign-up, email confirmation and login through allauth's real views."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import User
from proposals.models import Vote
from proposals.services import vote_cast

PASSWORD = "Pranvera-ne-Prizren-2026"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s/]+/)")


# ``mailoutbox`` comes after the database fixtures in every signature: setting up the database
# (Django's test case set-up) replaces ``mail.outbox`` with a new list.


def sign_up(client, **overrides):
    data = {
        "email": "drita.krasniqi@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "Drita Çeku-Krasniqi",
        "preferred_language": "en",
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def confirmation_path(message) -> str:
    match = CONFIRM_LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_signup_confirm_by_email_then_vote(client, proposal, mailoutbox):
    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(email="drita.krasniqi@example.org")

    # Stored from the extra sign-up fields.
    assert user.display_name == "Drita Çeku-Krasniqi"
    assert user.preferred_language == "en"

    # Not verified yet: cannot take part.
    assert not user.email_verified
    assert not user.has_perm("consult.take_part", proposal.consultation)
    with pytest.raises(PermissionDenied):
        vote_cast(actor=user, proposal=proposal, choice="for")

    # One confirmation email, to the new address, in the language the person chose.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["drita.krasniqi@example.org"]
    assert message.subject.startswith("[Konsulta] ")
    assert "Please Confirm Your Email Address" in message.subject
    path = confirmation_path(message)

    # Following the link shows a page with a button; a GET alone confirms nothing.
    assert client.get(path).status_code == 200
    user.refresh_from_db()
    assert not user.email_verified

    response = client.post(path)
    assert response.status_code == 302

    user.refresh_from_db()
    assert user.email_verified
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary
    # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION: the same browser is now signed in.
    assert logged_in_user_id(client) == str(user.pk)

    # And may now vote.
    user = User.objects.get(pk=user.pk)  # fresh object, no cached roles
    assert user.has_perm("consult.take_part", proposal.consultation)
    vote_cast(actor=user, proposal=proposal, choice="for")
    assert Vote.objects.filter(user=user, proposal=proposal, section=None).count() == 1


def test_confirmation_email_in_serbian_for_a_serbian_speaker(client, db, mailoutbox):
    sign_up(client, email="milica@example.org", preferred_language="sr-latn")
    assert User.objects.get(email="milica@example.org").preferred_language == "sr-latn"
    assert len(mailoutbox) == 1
    assert "potvrdite" in mailoutbox[0].subject


def test_signup_without_display_name(client, db, mailoutbox):
    assert sign_up(client, display_name="").status_code == 302
    user = User.objects.get(email="drita.krasniqi@example.org")
    assert user.display_name == ""
    assert str(user) == "drita.krasniqi"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("preferred_language", "de"),
        ("email", "jo-email"),
        ("password2", "tjeter-fjalekalim-2026"),
        ("display_name", "x" * 121),
    ],
)
def test_signup_with_bad_values_creates_nothing(client, db, mailoutbox, field, value):
    response = sign_up(client, **{field: value})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()
    assert mailoutbox == []


def test_second_signup_with_the_same_email_creates_no_second_account(client, db, mailoutbox):
    sign_up(client)
    client.logout()
    sign_up(client, email="Drita.Krasniqi@example.org", display_name="Tjetër")
    assert User.objects.filter(email__iexact="drita.krasniqi@example.org").count() == 1
    assert User.objects.get().display_name == "Drita Çeku-Krasniqi"


def test_login_before_confirming_does_not_sign_in(client, db, mailoutbox):
    sign_up(client)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "drita.krasniqi@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None


def test_wrong_confirmation_key_confirms_nothing(client, db, mailoutbox):
    sign_up(client)
    client.post("/accounts/confirm-email/not-a-real-key/")
    assert not User.objects.get().email_verified


# --- login and its rate limits --------------------------------------------------------------


@pytest.fixture
def verified_person(citizen):
    """A person who can sign in under mandatory verification (a verified primary address)."""
    EmailAddress.objects.update_or_create(
        user=citizen, email=citizen.email, defaults={"verified": True, "primary": True}
    )
    return citizen


def login(client, email, password):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_login_with_a_verified_address(client, verified_person):
    response = login(client, verified_person.email, "kalimi-sekret-123")
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(verified_person.pk)


def test_rate_limits_are_configured():
    limits = settings.ACCOUNT_RATE_LIMITS
    assert limits is not False
    assert limits["login_failed"]
    assert "/key" in limits["login_failed"]  # per account, not only per address
    assert limits["signup"] and limits["reset_password"]


def test_repeated_failing_logins_are_refused_even_with_the_right_password(client, verified_person):
    """``login_failed`` allows 5 failures per account in 5 minutes; the 6th attempt is refused
    before the password is even checked."""
    for _ in range(5):
        response = login(client, verified_person.email, "fjalekalim-i-gabuar")
        assert response.status_code == 200
        errors = " ".join(response.context["form"].non_field_errors())
        assert "Too many" not in errors

    response = login(client, verified_person.email, "kalimi-sekret-123")
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "Too many failed login attempts" in errors
    assert logged_in_user_id(client) is None


def test_failing_logins_for_one_account_do_not_lock_another(client, verified_person):
    other = User.objects.create_user("tjetri@example.org", "kalimi-tjeter-456", email_verified=True)
    EmailAddress.objects.update_or_create(
        user=other, email=other.email, defaults={"verified": True, "primary": True}
    )
    for _ in range(5):
        login(client, verified_person.email, "gabim")
    response = login(client, other.email, "kalimi-tjeter-456")
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(other.pk)
