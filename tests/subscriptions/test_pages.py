"""Follow / unfollow buttons and the "Your subscriptions" page, with bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from subscriptions.models import NotificationSettings, Subscription
from tests import factories as f

from .conftest import client_as, follow

pytestmark = pytest.mark.django_db
FOLLOW = "/subscriptions/follow/"
UNFOLLOW = "/subscriptions/unfollow/"


def test_following_needs_signing_in(client, institution):
    response = client.post(FOLLOW, {"target_type": "institution", "target": institution.pk})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("subscriptions:mine")).status_code == 302
    assert not Subscription.objects.exists()


def test_follow_and_unfollow_a_consultation_from_its_page(follower, institution):
    consultation = f.consultation_in_state("open", institution=institution)
    browser = client_as(follower)
    page = browser.get(consultation.get_absolute_url()).content.decode()
    assert "Follow this consultation" in page
    browser.post(FOLLOW, {"target_type": "consultation", "target": consultation.pk})
    assert Subscription.objects.get().consultation == consultation
    page = browser.get(consultation.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page
    browser.post(UNFOLLOW, {"target_type": "consultation", "target": consultation.pk})
    assert not Subscription.objects.exists()


def test_signed_out_visitors_are_invited_to_sign_in(client, institution):
    consultation = f.consultation_in_state("open", institution=institution)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Sign in to follow" in page


@pytest.mark.parametrize(
    "data",
    [
        {"target_type": "institution", "target": "abc"},
        {"target_type": "institution", "target": "999999"},
        {"target_type": "party", "target": "1"},
        {"target_type": "kind", "target": "dekret"},
        {"target_type": "consultation"},
        {},
    ],
)
def test_bad_follow_input_is_a_clear_400(follower, data):
    response = client_as(follower).post(FOLLOW, data)
    assert response.status_code == 400
    assert "There is nothing to follow at this address." in response.content.decode()
    assert not Subscription.objects.exists()


def test_drafts_and_unpublished_plan_items_cannot_be_followed(follower, institution, official):
    from plans import services as plan_services

    draft = f.consultation_in_state("draft", institution=institution)
    plan = plan_services.plan_create(actor=official, institution=institution, year=2026)
    item = plan_services.planned_item_create(
        actor=official, plan=plan, title="Ligji", kind="law", planned_quarter=1
    )
    browser = client_as(follower)
    for target_type, pk in (("consultation", draft.pk), ("planned_item", item.pk)):
        response = browser.post(FOLLOW, {"target_type": target_type, "target": pk})
        assert response.status_code == 400
    assert not Subscription.objects.exists()


def test_an_unverified_person_is_told_to_confirm(unverified, institution):
    browser = client_as(unverified)
    response = browser.post(
        FOLLOW, {"target_type": "institution", "target": institution.pk}, follow=True
    )
    assert "confirmed email address" in response.content.decode()
    assert not Subscription.objects.exists()


def test_next_must_stay_on_the_site(follower, institution):
    response = client_as(follower).post(
        FOLLOW,
        {"target_type": "institution", "target": institution.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/institutions/{institution.slug}/"


def test_my_subscriptions_page_changes_frequency_settings_and_unfollows(
    follower, institution, django_assert_max_num_queries
):
    sub = follow(follower, institution)
    follow(follower, "law")
    follow(follower, f.consultation_in_state("open", institution=institution))
    browser = client_as(follower)
    with django_assert_max_num_queries(12):
        page = browser.get(reverse("subscriptions:mine"))
    text = page.content.decode()
    assert institution.name in text and "Draft law" in text
    browser.post(reverse("subscriptions:frequency", kwargs={"pk": sub.pk}), {"frequency": "weekly"})
    sub.refresh_from_db()
    assert sub.frequency == "weekly"
    bad = browser.post(
        reverse("subscriptions:frequency", kwargs={"pk": sub.pk}),
        {"frequency": "hourly"},
        follow=True,
    )
    assert "Choose how often you want to hear." in bad.content.decode()
    sub.refresh_from_db()
    assert sub.frequency == "weekly"
    browser.post(reverse("subscriptions:settings"), {"answers": "on"})
    found = NotificationSettings.objects.get(user=follower)
    assert (found.replies, found.answers) == (False, True)
    browser.post(reverse("subscriptions:delete", kwargs={"pk": sub.pk}))
    assert not Subscription.objects.filter(pk=sub.pk).exists()
    assert Subscription.objects.count() == 2


def test_someone_elses_subscription_is_a_404(follower, citizen, institution):
    theirs = follow(citizen, institution)
    browser = client_as(follower)
    assert (
        browser.post(reverse("subscriptions:delete", kwargs={"pk": theirs.pk})).status_code == 404
    )
    response = browser.post(
        reverse("subscriptions:frequency", kwargs={"pk": theirs.pk}), {"frequency": "weekly"}
    )
    assert response.status_code == 404
    assert Subscription.objects.get().frequency == "immediate"


def test_follow_a_kind_from_my_subscriptions(follower):
    browser = client_as(follower)
    response = browser.post(
        FOLLOW,
        {"target_type": "kind", "target": "strategy", "next": "/accounts/profile/subscriptions/"},
    )
    assert response["Location"] == "/accounts/profile/subscriptions/"
    assert Subscription.objects.get().kind == "strategy"


def test_the_profile_links_to_my_subscriptions(follower):
    page = client_as(follower).get(reverse("accounts:profile")).content.decode()
    assert reverse("subscriptions:mine") in page
