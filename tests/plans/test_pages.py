"""Plan pages: public (/plans/, /plans/<institution>/<year>/, /institutions/<slug>/) and the
officials' workspace (/workspace/plans/)."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consult.models import Consultation
from plans import services
from plans.models import ConsultationPlan, PlannedItem
from tests import factories as f

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def as_user(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["konsulta_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def published(institution, official):
    plan = services.plan_create(
        actor=official, institution=institution, year=YEAR, note="Plani ynë për këtë vit."
    )
    services.planned_item_create(
        actor=official,
        plan=plan,
        title="Projektligji për çështjet e ujërave",
        kind="law",
        planned_quarter=4,
    )
    dropped = services.planned_item_create(
        actor=official, plan=plan, title="Strategjia e pyjeve", kind="strategy", planned_quarter=4
    )
    services.planned_item_drop(
        actor=official, item=dropped, reason="U bashkua me ligjin e ujërave."
    )
    consulted = services.planned_item_create(
        actor=official,
        plan=plan,
        title="Rregullorja e parqeve",
        kind="regulation",
        planned_quarter=4,
    )
    services.planned_item_link(
        actor=official,
        item=consulted,
        consultation=f.consultation_in_state(
            "open", institution=institution, title="Rregullorja për parqet publike"
        ),
    )
    services.plan_publish(actor=official, plan=plan)
    return plan


# --- Public ------------------------------------------------------------------------------------


def test_index_lists_published_plans_with_counts(client, published, other_institution):
    ConsultationPlan.objects.create(institution=other_institution, year=YEAR)  # not published
    page = client.get("/plans/")
    text = page.content.decode()
    assert page.status_code == 200
    assert published.institution.name in text
    assert other_institution.name not in text
    assert "Consulted" in text and "Dropped" in text and "Planned" in text
    # Filters, and bad filter values are ignored.
    assert published.institution.name in client.get(f"/plans/?year={YEAR}").content.decode()
    assert client.get("/plans/?year=abc&institution=<script>").status_code == 200
    older = services.plan_create(
        actor=f.official_of(other_institution), institution=other_institution, year=YEAR - 1
    )
    ConsultationPlan.objects.filter(pk=older.pk).update(published_at=timezone.now())
    both = client.get(f"/plans/?year={YEAR - 1}&institution={published.institution.slug}")
    assert "No published plan matches" in both.content.decode()
    only_older = client.get(f"/plans/?year={YEAR - 1}").content.decode()
    assert other_institution.name in only_older and published.get_absolute_url() not in only_older


def test_plan_page_shows_each_items_status_and_links(client, published):
    url = published.get_absolute_url()
    assert url == f"/plans/{published.institution.slug}/{YEAR}/"
    text = client.get(url).content.decode()
    assert "Projektligji për çështjet e ujërave" in text
    assert "U bashkua me ligjin e ujërave." in text  # the reason for dropping
    assert "Rregullorja për parqet publike" in text
    consultation = Consultation.objects.get(title="Rregullorja për parqet publike")
    assert f'href="{consultation.get_absolute_url()}"' in text
    for label in ("Consulted", "Dropped", "Planned"):
        assert label in text
    assert "Plani ynë për këtë vit." in text
    assert "Tell me when it opens" in text or "Sign in to follow" in text


def test_late_items_and_draft_consultations(client, institution, official):
    plan = services.plan_create(actor=official, institution=institution, year=YEAR - 1)
    item = services.planned_item_create(
        actor=official, plan=plan, title="Udhëzimi për arkivat", kind="other", planned_quarter=1
    )
    draft = f.consultation_in_state("draft", institution=institution, title="Draft i fshehtë")
    services.planned_item_link(actor=official, item=item, consultation=draft)
    services.plan_publish(actor=official, plan=plan)
    text = client.get(plan.get_absolute_url()).content.decode()
    assert "Late" in text and "has not opened yet" in text
    assert "Draft i fshehtë" not in text  # a draft consultation is not public


def test_unpublished_plan_is_seen_by_its_officials_only(client, institution, official):
    plan = services.plan_create(actor=official, institution=institution, year=YEAR)
    assert client.get(plan.get_absolute_url()).status_code == 404
    page = as_user(official).get(plan.get_absolute_url())
    assert page.status_code == 200 and "not published yet" in page.content.decode()
    assert client.get(f"/plans/{institution.slug}/1990/").status_code == 404
    assert client.get(f"/plans/nuk-ekziston/{YEAR}/").status_code == 404


def test_plan_page_query_count_does_not_grow(published, official, django_assert_max_num_queries):
    person = f.UserFactory()
    browser = as_user(person)
    browser.get(published.get_absolute_url())
    for n in range(15):
        services.planned_item_create(
            actor=official, plan=published, title=f"Akti {n}", kind="law", planned_quarter=n % 4 + 1
        )
    with django_assert_max_num_queries(12):
        assert browser.get(published.get_absolute_url()).status_code == 200


def test_institution_page(client, published, institution):
    f.consultation_in_state("closed", institution=institution, title="Ligji i vjetër")
    f.consultation_in_state("draft", institution=institution, title="Draft i brendshëm")
    text = client.get(f"/institutions/{institution.slug}/").content.decode()
    assert institution.name in text
    assert "Ligji i vjetër" in text and "Rregullorja për parqet publike" in text
    assert "Draft i brendshëm" not in text
    assert published.get_absolute_url() in text
    assert client.get("/institutions/nuk-ekziston/").status_code == 404
    cso = f.OrganisationFactory()
    assert client.get(f"/institutions/{cso.slug}/").status_code == 404


# --- Workspace ---------------------------------------------------------------------------------


def test_workspace_needs_an_official(client, citizen, institution, official, other_institution):
    plan = services.plan_create(actor=official, institution=institution, year=YEAR)
    manage = reverse("workspace_plans:manage", kwargs={"pk": plan.pk})
    assert client.get("/workspace/plans/").status_code == 302  # to sign in
    assert as_user(citizen).get("/workspace/plans/").status_code == 403
    outsider = as_user(f.official_of(other_institution))
    assert outsider.get("/workspace/plans/").status_code == 200
    assert outsider.get(manage).status_code == 403
    response = outsider.post(reverse("workspace_plans:publish", kwargs={"pk": plan.pk}))
    assert response.status_code == 403
    assert as_user(official).get(manage).status_code == 200
    assert as_user(official).get("/workspace/plans/999999/").status_code == 404


def test_official_creates_fills_and_publishes_a_plan(institution, official):
    browser = as_user(official)
    page = browser.get("/workspace/plans/new/")
    assert page.status_code == 200
    response = browser.post(
        "/workspace/plans/new/", {"institution": institution.pk, "year": YEAR, "note": ""}
    )
    plan = ConsultationPlan.objects.get()
    assert response["Location"] == f"/workspace/plans/{plan.pk}/"
    again = browser.post(
        "/workspace/plans/new/", {"institution": institution.pk, "year": YEAR, "note": ""}
    )
    assert again.status_code == 200 and "already has a plan" in again.content.decode()
    bad = browser.post("/workspace/plans/new/", {"institution": institution.pk, "year": "vit"})
    assert "Enter a year, for example 2026." in bad.content.decode()

    add = reverse("workspace_plans:item_create", kwargs={"pk": plan.pk})
    empty = browser.post(add, {"title": "", "kind": "law", "planned_quarter": "2"})
    assert "Give the title of the draft." in empty.content.decode()
    browser.post(add, {"title": "Ligji për pyjet", "kind": "law", "planned_quarter": "2"})
    item = PlannedItem.objects.get()
    edit = reverse("workspace_plans:item_edit", kwargs={"pk": item.pk})
    browser.post(
        edit, {"title": "Ligji për pyjet dhe kullotat", "kind": "law", "planned_quarter": "3"}
    )
    item.refresh_from_db()
    assert (item.title, item.planned_quarter) == ("Ligji për pyjet dhe kullotat", 3)

    browser.post(reverse("workspace_plans:publish", kwargs={"pk": plan.pk}))
    plan.refresh_from_db()
    assert plan.published_at is not None
    manage = browser.get(f"/workspace/plans/{plan.pk}/").content.decode()
    assert "Ligji për pyjet dhe kullotat" in manage and "Published on" in manage


def test_link_drop_restore_and_start_from_the_plan_page(institution, official, other_institution):
    plan = services.plan_create(actor=official, institution=institution, year=YEAR)
    item = services.planned_item_create(
        actor=official, plan=plan, title="Ligji për ujërat", kind="law", planned_quarter=4
    )
    browser = as_user(official)
    ours = f.consultation_in_state("scheduled", institution=institution, title="Konsultimi ynë")
    theirs = f.consultation_in_state("open", institution=other_institution)
    link = reverse("workspace_plans:item_link", kwargs={"pk": item.pk})
    page = browser.get(f"/workspace/plans/{plan.pk}/").content.decode()
    assert "Konsultimi ynë" in page  # offered in the select
    response = browser.post(link, {"consultation": theirs.pk}, follow=True)
    assert "Choose one of the institution's consultations." in html.unescape(
        response.content.decode()
    )
    browser.post(link, {"consultation": ours.pk})
    item.refresh_from_db()
    assert item.consultation == ours
    browser.post(link, {"consultation": ""})
    item.refresh_from_db()
    assert item.consultation is None

    drop = reverse("workspace_plans:item_drop", kwargs={"pk": item.pk})
    refused = browser.post(drop, {"drop_reason": "   "})
    assert refused.status_code == 400
    assert "Say why the item is dropped" in refused.content.decode()
    browser.post(drop, {"drop_reason": "Nuk ka fonde."})
    item.refresh_from_db()
    assert item.status == "dropped"
    browser.post(reverse("workspace_plans:item_restore", kwargs={"pk": item.pk}))
    item.refresh_from_db()
    assert item.status == "planned"

    start = reverse("workspace_plans:item_start", kwargs={"pk": item.pk})
    form = browser.get(start).content.decode()
    assert "Ligji për ujërat" in form and official.email in form
    response = browser.post(
        start,
        {
            "title": "Projektligji për ujërat",
            "summary": "",
            "contact_name": "Arbër Gashi",
            "contact_email": "arber@example.org",
        },
    )
    item.refresh_from_db()
    assert item.consultation.title == "Projektligji për ujërat"
    assert item.consultation.status == "draft"
    assert response["Location"] == f"/workspace/{item.consultation.slug}/"


def test_the_workspace_home_links_to_plans(official):
    assert "/workspace/plans/" in as_user(official).get("/workspace/").content.decode()


def test_plans_is_not_a_consultation_slug(institution, official):
    from consult.services import consultation_create

    consultation = consultation_create(
        actor=official,
        institution=institution,
        title="Plans",
        kind="law",
        contact_name="A",
        contact_email="a@example.org",
    )
    assert consultation.slug != "plans"
