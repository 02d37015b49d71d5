"""Creating, editing and moving consultations through their lifecycle over the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import formats, timezone, translation
from rest_framework.authtoken.models import Token

from consult.models import Consultation
from consult.services import earliest_closing_date
from tests import factories as f

from .helpers import API, consultation_url, make_client

pytestmark = pytest.mark.django_db

S = Consultation.Status


def payload(institution_, **overrides) -> dict:
    opens = timezone.now() + dt.timedelta(days=7)
    data = {
        "institution": institution_.slug,
        "title": "Projektligji për shoqatat dhe fondacionet",
        "kind": "law",
        "summary": "Rregullimi i regjistrimit të organizatave joqeveritare.",
        "contact_name": "Besa Gashi",
        "contact_email": "besa.gashi@rks-gov.net",
        "opens_at": opens.isoformat(),
        "closes_at": (opens + dt.timedelta(days=40)).isoformat(),
    }
    data.update(overrides)
    return data


# --- create --------------------------------------------------------------------------------


def test_official_creates_a_consultation(as_user, institution, official):
    response = as_user(official).post(f"{API}/consultations/", payload(institution), format="json")

    assert response.status_code == 201, response.data
    consultation = Consultation.objects.get()
    assert response.data["slug"] == consultation.slug == "projektligji-per-shoqatat-dhe-fondacionet"
    assert response.data["status"] == "draft"
    assert response.data["institution"]["slug"] == institution.slug
    assert response.data["permissions"]["change"] is True
    assert consultation.created_by == official
    assert consultation.history.first().history_user == official


@pytest.mark.parametrize("who", ["anonymous", "citizen", "other_official", "cso_representative"])
def test_others_cannot_create(who, institution, other_institution):
    user = {
        "anonymous": None,
        "citizen": f.UserFactory(),
        "other_official": f.official_of(other_institution),
        "cso_representative": f.representative_of(f.OrganisationFactory()),
    }[who]

    response = make_client(user).post(f"{API}/consultations/", payload(institution), format="json")

    assert response.status_code == 403
    assert response.data["detail"]
    assert Consultation.objects.count() == 0


def test_create_needs_an_existing_institution(as_user, institution, official):
    cso = f.OrganisationFactory()
    client = as_user(official)
    for slug in ("nuk-ekziston", cso.slug):
        response = client.post(
            f"{API}/consultations/", payload(institution, institution=slug), format="json"
        )
        assert response.status_code == 400
        assert response.data["institution"] == [
            "There is no public institution with this identifier."
        ]
    assert Consultation.objects.count() == 0


def test_create_reports_every_missing_field(as_user, official):
    response = as_user(official).post(f"{API}/consultations/", {}, format="json")
    assert response.status_code == 400
    assert set(response.data) == {"institution", "title", "kind", "contact_name", "contact_email"}


def test_create_rejects_bad_values(as_user, institution, official):
    response = as_user(official).post(
        f"{API}/consultations/",
        payload(institution, kind="ligj", contact_email="jo-email", opens_at="nesër"),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.data) == {"kind", "contact_email", "opens_at"}
    assert Consultation.objects.count() == 0


def test_create_rejects_fields_it_does_not_accept(as_user, institution, official):
    response = as_user(official).post(
        f"{API}/consultations/", payload(institution, status="open"), format="json"
    )
    assert response.status_code == 400
    assert response.data["status"] == ["This field is not accepted here."]
    assert Consultation.objects.count() == 0


def test_closing_before_opening_is_refused(as_user, institution, official):
    opens = timezone.now() + dt.timedelta(days=10)
    response = as_user(official).post(
        f"{API}/consultations/",
        payload(
            institution,
            opens_at=opens.isoformat(),
            closes_at=(opens - dt.timedelta(days=1)).isoformat(),
        ),
        format="json",
    )
    assert response.status_code == 400
    assert response.data == {"closes_at": ["The closing time must be after the opening time."]}
    assert Consultation.objects.count() == 0


def test_short_round_needs_a_justification(as_user, institution, official):
    opens = timezone.now() + dt.timedelta(days=7)
    short = payload(
        institution,
        opens_at=opens.isoformat(),
        closes_at=(opens + dt.timedelta(days=5)).isoformat(),
    )
    client = as_user(official)

    refused = client.post(f"{API}/consultations/", short, format="json")

    assert refused.status_code == 400
    with translation.override("en"):
        earliest = formats.date_format(earliest_closing_date(opens), "DATE_FORMAT")
    [message] = refused.data["closes_at"]
    assert "at least 15 working days" in message
    assert f"The earliest allowed closing date is {earliest}" in message
    assert Consultation.objects.count() == 0

    short["short_round_justification"] = "Afati ligjor i transpozimit të direktivës së BE-së."
    accepted = client.post(f"{API}/consultations/", short, format="json")

    assert accepted.status_code == 201, accepted.data
    assert accepted.data["is_short_round"] is True
    assert accepted.data["short_round_justification"].startswith("Afati ligjor")


# --- update --------------------------------------------------------------------------------


def test_official_edits_a_consultation(as_user, draft_consultation, official):
    response = as_user(official).patch(
        consultation_url(draft_consultation),
        {"title": "Projektstrategjia e ndryshuar për rininë", "kind": "strategy"},
        format="json",
    )
    assert response.status_code == 200, response.data
    draft_consultation.refresh_from_db()
    assert draft_consultation.title == "Projektstrategjia e ndryshuar për rininë"
    assert draft_consultation.kind == "strategy"
    assert response.data["title"] == draft_consultation.title


def test_put_is_not_offered(as_user, draft_consultation, official):
    response = as_user(official).put(consultation_url(draft_consultation), {}, format="json")
    assert response.status_code == 405


@pytest.mark.parametrize("who", ["citizen", "other_official"])
def test_others_cannot_edit_a_public_consultation(who, open_consultation, other_institution):
    user = f.UserFactory() if who == "citizen" else f.official_of(other_institution)
    before = open_consultation.title

    response = make_client(user).patch(
        consultation_url(open_consultation), {"title": "Titull tjetër"}, format="json"
    )

    assert response.status_code == 403
    open_consultation.refresh_from_db()
    assert open_consultation.title == before


@pytest.mark.parametrize("who", ["anonymous", "citizen", "other_official"])
def test_others_do_not_even_see_a_draft_to_edit(who, draft_consultation, other_institution):
    user = {
        "anonymous": None,
        "citizen": f.UserFactory(),
        "other_official": f.official_of(other_institution),
    }[who]
    response = make_client(user).patch(
        consultation_url(draft_consultation), {"title": "Titull tjetër"}, format="json"
    )
    assert response.status_code == (403 if user is None else 404)


def test_edit_validates_the_round(as_user, draft_consultation, official):
    before = draft_consultation.closes_at
    response = as_user(official).patch(
        consultation_url(draft_consultation),
        {"closes_at": (draft_consultation.opens_at - dt.timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.data) == ["closes_at"]
    draft_consultation.refresh_from_db()
    assert draft_consultation.closes_at == before


def test_edit_rejects_fields_that_cannot_change(as_user, draft_consultation, official):
    response = as_user(official).patch(
        consultation_url(draft_consultation),
        {"status": "open", "institution": "tjeter"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.data) == {"status", "institution"}
    draft_consultation.refresh_from_db()
    assert draft_consultation.status == S.DRAFT


# --- lifecycle -----------------------------------------------------------------------------


def test_official_schedules_opens_closes(as_user, draft_consultation, official):
    f.ProposalFactory(consultation=draft_consultation)
    client = as_user(official)
    url = consultation_url(draft_consultation)

    scheduled = client.post(url + "schedule/")
    assert scheduled.status_code == 200, scheduled.data
    assert scheduled.data["status"] == "scheduled"

    opened = client.post(url + "open/")
    assert opened.status_code == 200, opened.data
    assert opened.data["status"] == "open"

    closed = client.post(url + "close/")
    assert closed.status_code == 200, closed.data
    assert closed.data["status"] == "closed"
    draft_consultation.refresh_from_db()
    assert draft_consultation.status == S.CLOSED


def test_scheduling_needs_a_document(as_user, draft_consultation, official):
    response = as_user(official).post(consultation_url(draft_consultation) + "schedule/")
    assert response.status_code == 400
    assert response.data == {
        "non_field_errors": ["Add at least one draft document before scheduling."]
    }
    draft_consultation.refresh_from_db()
    assert draft_consultation.status == S.DRAFT


def test_transition_in_the_wrong_state_is_forbidden(as_user, draft_consultation, official):
    response = as_user(official).post(consultation_url(draft_consultation) + "close/")
    assert response.status_code == 403
    draft_consultation.refresh_from_db()
    assert draft_consultation.status == S.DRAFT


def test_withdraw_needs_a_reason(as_user, open_consultation, official):
    client = as_user(official)
    url = consultation_url(open_consultation) + "withdraw/"

    for body in ({}, {"reason": "   "}):
        refused = client.post(url, body, format="json")
        assert refused.status_code == 400
        assert refused.data == {"reason": ["Say why the consultation is withdrawn."]}
    open_consultation.refresh_from_db()
    assert open_consultation.status == S.OPEN

    done = client.post(url, {"reason": "Dokumenti do të rishikohet nga qeveria."}, format="json")
    assert done.status_code == 200
    assert done.data["status"] == "withdrawn"
    assert done.data["withdrawal_reason"] == "Dokumenti do të rishikohet nga qeveria."


@pytest.mark.parametrize("action", ["close/", "withdraw/"])
@pytest.mark.parametrize("who", ["citizen", "other_official"])
def test_others_cannot_move_a_public_consultation(
    who, action, open_consultation, other_institution
):
    user = f.UserFactory() if who == "citizen" else f.official_of(other_institution)
    response = make_client(user).post(
        consultation_url(open_consultation) + action, {"reason": "Pse jo."}, format="json"
    )
    assert response.status_code == 403
    open_consultation.refresh_from_db()
    assert open_consultation.status == S.OPEN


@pytest.mark.parametrize("action", ["schedule/", "open/", "withdraw/"])
def test_others_cannot_move_a_draft_they_cannot_see(action, draft_consultation, other_institution):
    f.ProposalFactory(consultation=draft_consultation)
    client = make_client(f.official_of(other_institution))
    response = client.post(
        consultation_url(draft_consultation) + action, {"reason": "Pse jo."}, format="json"
    )
    assert response.status_code == 404
    draft_consultation.refresh_from_db()
    assert draft_consultation.status == S.DRAFT


# --- authentication ------------------------------------------------------------------------


def test_session_writes_need_the_csrf_token(institution, official):
    client = make_client(official, enforce_csrf_checks=True)
    response = client.post(f"{API}/consultations/", payload(institution), format="json")
    assert response.status_code == 403
    assert "CSRF" in response.data["detail"]
    assert Consultation.objects.count() == 0


def test_token_authentication(institution, official):
    token = Token.objects.create(user=official)
    client = make_client(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(f"{API}/consultations/", payload(institution), format="json")
    assert response.status_code == 201, response.data
    assert Consultation.objects.get().created_by == official
