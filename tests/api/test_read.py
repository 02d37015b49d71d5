"""Public reads: organisations, consultations, their visibility, filters and pagination."""

from __future__ import annotations

import pytest

from accounts.models import Organisation
from tests import factories as f

from .helpers import API, consultation_url, import_draft, make_client

pytestmark = pytest.mark.django_db


# --- organisations -------------------------------------------------------------------------


def test_organisations_are_public_with_public_fields_only(api, institution):
    cso = f.OrganisationFactory(name="Lëvizja Çelësi", registration_number="5114-001")
    f.official_of(institution)

    response = api.get(f"{API}/organisations/")

    assert response.status_code == 200
    assert response.data["count"] == 2
    item = next(o for o in response.data["results"] if o["slug"] == cso.slug)
    assert item == {
        "slug": cso.slug,
        "name": "Lëvizja Çelësi",
        "kind": "cso",
        "kind_display": "Civil society organisation",
        "registration_number": "5114-001",
        "website": "",
        "description": "",
        "verification_status": "verified",
    }


def test_organisations_filter_by_kind(api, institution):
    f.OrganisationFactory()
    response = api.get(f"{API}/organisations/", {"kind": "institution"})
    assert [o["slug"] for o in response.data["results"]] == [institution.slug]


def test_organisations_reject_an_unknown_kind(api):
    response = api.get(f"{API}/organisations/", {"kind": "partia"})
    assert response.status_code == 400
    assert response.data["kind"] == ["Choose a valid kind of organisation."]


def test_organisation_by_slug(api, institution):
    response = api.get(f"{API}/organisations/{institution.slug}/")
    assert response.status_code == 200
    assert response.data["name"] == institution.name
    assert api.get(f"{API}/organisations/nuk-ekziston/").status_code == 404


def test_organisations_are_read_only(as_user, staff):
    client = as_user(staff)
    response = client.post(
        f"{API}/organisations/", {"kind": "cso", "name": "X", "slug": "x"}, format="json"
    )
    assert response.status_code == 405
    assert not Organisation.objects.filter(slug="x").exists()


# --- consultations: list -------------------------------------------------------------------


def test_consultation_list_is_public_and_hides_drafts(api, institution):
    public = f.consultation_in_state("open", institution=institution)
    f.consultation_in_state("draft", institution=institution)

    response = api.get(f"{API}/consultations/")

    assert response.status_code == 200
    assert [c["slug"] for c in response.data["results"]] == [public.slug]
    item = response.data["results"][0]
    assert item["institution"] == {
        "slug": institution.slug,
        "name": institution.name,
        "kind": "institution",
    }
    assert item["status"] == "open"
    assert item["html_url"].endswith(f"/consultations/{public.slug}/")


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("open", {"open", "scheduled_due"}),
        ("scheduled", {"scheduled"}),
        ("closed", {"closed", "open_expired"}),
        ("withdrawn", {"withdrawn"}),
    ],
)
def test_consultation_list_filters_by_effective_status(api, institution, wanted, expected):
    by_state = {
        state: f.consultation_in_state(state, institution=institution, slug=f"k-{state}")
        for state in f.CONSULTATION_STATES
    }

    response = api.get(f"{API}/consultations/", {"status": wanted})

    assert response.status_code == 200
    assert {c["slug"] for c in response.data["results"]} == {by_state[s].slug for s in expected}
    assert {c["status"] for c in response.data["results"]} == {wanted}


def test_consultation_list_filters_by_institution_and_kind(api, institution, other_institution):
    mine = f.consultation_in_state("open", institution=institution, kind="strategy")
    f.consultation_in_state("open", institution=institution, kind="law")
    f.consultation_in_state("open", institution=other_institution, kind="strategy")

    response = api.get(
        f"{API}/consultations/", {"institution": institution.slug, "kind": "strategy"}
    )

    assert [c["slug"] for c in response.data["results"]] == [mine.slug]


def test_consultation_list_rejects_bad_filters(api):
    response = api.get(f"{API}/consultations/", {"status": "gati", "kind": "ligj"})
    assert response.status_code == 400
    assert response.data["status"] == ["Choose a valid status."]
    assert response.data["kind"] == ["Choose a valid kind of consultation."]


def test_consultation_list_is_paginated(api, institution):
    for n in range(3):
        f.consultation_in_state("open", institution=institution, slug=f"faqe-{n}")

    response = api.get(f"{API}/consultations/", {"limit": 2})

    assert response.data["count"] == 3
    assert len(response.data["results"]) == 2
    assert "offset=2" in response.data["next"]


def test_consultation_list_query_count_does_not_grow(api, django_assert_max_num_queries):
    for _ in range(12):
        f.consultation_in_state("open", institution=f.InstitutionFactory())
    with django_assert_max_num_queries(3):
        response = api.get(f"{API}/consultations/")
    assert response.data["count"] == 12


def test_draft_filter_lists_only_the_officials_own_drafts(
    as_user, api, institution, other_institution, official
):
    mine = f.consultation_in_state("draft", institution=institution)
    f.consultation_in_state("draft", institution=other_institution)

    response = as_user(official).get(f"{API}/consultations/", {"status": "draft"})
    assert [c["slug"] for c in response.data["results"]] == [mine.slug]

    assert api.get(f"{API}/consultations/", {"status": "draft"}).data["count"] == 0
    citizen = f.UserFactory()
    assert as_user(citizen).get(f"{API}/consultations/", {"status": "draft"}).data["count"] == 0


# --- consultations: detail and visibility --------------------------------------------------


def test_consultation_detail(api, institution, official):
    consultation = f.consultation_in_state("scheduled_due", institution=institution)
    proposal = import_draft(consultation, official)

    response = api.get(consultation_url(consultation))

    assert response.status_code == 200
    data = response.data
    assert data["status"] == "open"  # effective: its opening time has passed
    assert data["status_display"] == "Open"
    assert data["institution"]["slug"] == institution.slug
    assert data["working_days"] == consultation.working_days
    assert data["is_short_round"] is False
    assert data["short_round_justification"] == ""
    assert data["contact_name"] == "Arbër Krasniqi"
    assert data["proposals"] == [
        {
            "slug": proposal.slug,
            "title": "Strategjia për bashkëpunim me shoqërinë civile",
            "kind": "draft_act",
            "kind_display": "Draft act",
            "current_version": 1,
        }
    ]
    assert data["permissions"]["take_part"] is False  # anonymous
    assert data["permissions"]["change"] is False


def test_consultation_detail_permissions_follow_the_person(as_user, open_consultation, official):
    citizen = f.UserFactory()
    theirs = as_user(citizen).get(consultation_url(open_consultation)).data["permissions"]
    assert theirs["take_part"] is True
    assert theirs["close"] is False
    ours = as_user(official).get(consultation_url(open_consultation)).data["permissions"]
    assert ours["close"] is True
    assert ours["change"] is True


def test_unknown_consultation_is_404(api):
    assert api.get(f"{API}/consultations/nuk-ekziston/").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "citizen", "other_official", "cso_member"])
def test_drafts_are_hidden(who, draft_consultation, other_institution, official):
    import_draft(draft_consultation, official)
    user = {
        "anonymous": None,
        "citizen": f.UserFactory(),
        "other_official": f.official_of(other_institution),
        "cso_member": f.representative_of(f.OrganisationFactory()),
    }[who]
    client = make_client(user)
    base = consultation_url(draft_consultation)

    assert client.get(base).status_code == 404
    assert client.get(base + "proposals/").status_code == 404
    slug = draft_consultation.proposals.get().slug
    assert client.get(f"{base}proposals/{slug}/").status_code == 404
    assert client.get(f"{base}proposals/{slug}/versions/").status_code == 404
    assert client.get(f"{base}proposals/{slug}/sections/neni-1/").status_code == 404


@pytest.mark.parametrize("who", ["official", "staff"])
def test_drafts_are_visible_to_their_officials_and_staff(who, as_user, draft_consultation):
    user = f.official_of(draft_consultation.institution) if who == "official" else None
    user = user or f.UserFactory(is_staff=True)
    response = as_user(user).get(consultation_url(draft_consultation))
    assert response.status_code == 200
    assert response.data["status"] == "draft"


def test_language_follows_the_persons_preference(institution, open_consultation):
    from rest_framework.test import APIClient

    person = f.UserFactory(preferred_language="sr-latn")
    client = APIClient()
    client.force_login(person)
    response = client.get(consultation_url(open_consultation))
    assert response["Content-Language"] == "sr-latn"
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    assert anonymous.get(consultation_url(open_consultation))["Content-Language"] == "en"
