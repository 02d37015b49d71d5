"""The signed unsubscribe link: works signed out, one click, refuses a changed token."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from subscriptions import services
from subscriptions.models import Notification, NotificationSettings, Subscription
from subscriptions.tokens import SALT, token_for_setting, token_for_subscription
from tests import factories as f

from .conftest import follow

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return reverse("subscriptions:unsubscribe", kwargs={"token": token})


@pytest.fixture
def anonymous():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["konsulta_language"] = "en"
    return client


def test_get_asks_and_post_unsubscribes_without_signing_in(anonymous, follower, institution):
    subscription = follow(follower, institution)
    token = token_for_subscription(subscription)
    page = anonymous.get(url(token))
    assert page.status_code == 200
    assert f"Stop following “{institution.name}”" in page.content.decode()
    assert Subscription.objects.filter(pk=subscription.pk).exists()  # GET changes nothing
    done = anonymous.post(url(token))
    assert done.status_code == 200
    assert f"you no longer follow “{institution.name}”" in done.content.decode()
    assert not Subscription.objects.exists()
    again = anonymous.get(url(token))
    assert "already unsubscribed" in again.content.decode()
    assert anonymous.post(url(token)).status_code == 200  # idempotent


def test_one_click_post_needs_no_csrf_token(follower, institution):
    subscription = follow(follower, institution)
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        url(token_for_subscription(subscription)),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_csrf_is_still_enforced_elsewhere(follower, institution):
    client = Client(enforce_csrf_checks=True)
    client.force_login(follower)
    response = client.post(
        reverse("subscriptions:follow"), {"target_type": "institution", "target": institution.pk}
    )
    assert response.status_code == 403
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # a changed signature
        lambda t: t.replace(t.split(":")[0], t.split(":")[0][:-2] + "xy"),  # changed data
        lambda t: t[: len(t) // 2],  # cut
        lambda t: "nonsense",
    ],
)
def test_a_tampered_token_is_refused_and_changes_nothing(anonymous, follower, institution, mangle):
    subscription = follow(follower, institution)
    bad = mangle(token_for_subscription(subscription))
    for method in (anonymous.get, anonymous.post):
        response = method(url(bad))
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_a_token_signed_for_something_else_is_refused(anonymous, follower, institution):
    subscription = follow(follower, institution)
    other_salt = signing.dumps({"s": subscription.pk, "u": follower.pk})  # no or another salt
    assert anonymous.post(url(other_salt)).status_code == 400
    wrong_shape = signing.dumps({"s": "all", "u": follower.pk}, salt=SALT)
    assert anonymous.post(url(wrong_shape)).status_code == 400
    assert Subscription.objects.exists()


def test_a_token_names_one_persons_subscription_only(anonymous, follower, institution):
    mine = follow(follower, institution)
    someone = f.UserFactory()
    theirs = follow(someone, institution)
    forged = signing.dumps({"s": theirs.pk, "u": follower.pk}, salt=SALT)  # ids mixed up
    anonymous.post(url(forged))
    assert set(Subscription.objects.values_list("pk", flat=True)) == {mine.pk, theirs.pk}


def test_settings_tokens_turn_off_replies_and_answers(anonymous, follower):
    anonymous.post(url(token_for_setting(follower, "replies")))
    found = NotificationSettings.objects.get(user=follower)
    assert (found.replies, found.answers) == (False, True)
    anonymous.post(url(token_for_setting(follower, "answers")))
    found.refresh_from_db()
    assert (found.replies, found.answers) == (False, False)


def test_the_digest_token_ends_the_weekly_subscriptions_only(anonymous, follower, institution):
    weekly = follow(follower, institution, "weekly")
    immediate = follow(follower, "law", "immediate")
    Notification.objects.create(
        user=follower, event_type="consultation_opened", subscription=weekly, frequency="weekly"
    )
    anonymous.post(url(token_for_setting(follower, "weekly")))
    assert list(Subscription.objects.values_list("pk", flat=True)) == [immediate.pk]
    assert not Notification.objects.exists()  # what was waiting for the digest goes too


def test_unsubscribing_drops_what_was_not_sent_yet(follower, institution):
    subscription = follow(follower, institution)
    Notification.objects.create(
        user=follower, event_type="consultation_opened", subscription=subscription
    )
    services.unsubscribe_with_token(token=token_for_subscription(subscription))
    assert not Notification.objects.exists()
