"""Account pages: allauth's in the site's look, the profile."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests import factories as f

from .conftest import assert_no_inline_script

pytestmark = pytest.mark.django_db


def test_login_page_uses_site_layout(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Konsulta" in html and 'class="site-header"' in html
    assert 'class="form"' in html
    assert 'class="input"' in html or 'class="field' in html
    assert_no_inline_script(html)


def test_signup_page_has_extra_fields(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert 'name="display_name"' in html
    assert 'name="preferred_language"' in html
    assert 'class="site-header"' in html


def test_signup_then_check_email_page(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(
        reverse("account_signup"),
        {
            "email": "re@example.org",
            "password1": "një-fjalëkalim-i-gjatë-42",
            "password2": "një-fjalëkalim-i-gjatë-42",
            "display_name": "Vjosa Berisha",
            "preferred_language": "sq",
        },
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check your email" in html
    assert "spam" in html
    user = User.objects.get(email="re@example.org")
    assert user.display_name == "Vjosa Berisha"
    assert len(mail.outbox) == 1


def test_signup_errors_are_shown(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-email", "password1": "a", "password2": "b", "preferred_language": "xx"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert not User.objects.filter(email="not-an-email").exists()


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_profile_shows_organisations(client_for, official, institution):
    html = client_for(official).get(reverse("accounts:profile")).content.decode()
    assert institution.name in html
    assert "Official" in html


def test_profile_update(client_for, citizen):
    client = client_for(citizen)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "  Arta Çitaku ", "preferred_language": "en"},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.display_name == "Arta Çitaku"
    assert citizen.preferred_language == "en"
    assert response.cookies["konsulta_language"].value == "en"


def test_profile_rejects_bad_language(client_for, citizen):
    response = client_for(citizen).post(
        reverse("accounts:profile"), {"display_name": "X", "preferred_language": "de"}
    )
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.preferred_language == "sq"


def test_email_management_page_in_site_look(client_for):
    from allauth.account.models import EmailAddress

    user = f.UserFactory()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    html = client_for(user).get(reverse("account_email")).content.decode()
    assert 'class="site-header"' in html
    assert 'class="subnav subnav--account"' in html
    assert_no_inline_script(html)
