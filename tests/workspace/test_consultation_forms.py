"""Creating and editing a consultation through the workspace forms."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from consult.models import Consultation
from consult.services import earliest_closing_date
from tests import factories as f

BELGRADE = zoneinfo.ZoneInfo("Europe/Belgrade")


def _future_monday(weeks: int = 8) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(7 - today.weekday()) + 7 * weeks)


def _data(**overrides) -> dict:
    monday = _future_monday()
    data = {
        "title": "Projektligji për qasjen në dokumente publike",
        "kind": Consultation.Kind.LAW,
        "summary": "Ligji përcakton të drejtën e qytetarëve për qasje në dokumente.",
        "contact_name": "Arbër Krasniqi",
        "contact_email": "arber.krasniqi@example.org",
        "opens_at": f"{monday.isoformat()}T09:00",
        "closes_at": f"{(monday + dt.timedelta(days=35)).isoformat()}T16:00",
        "short_round_justification": "",
    }
    data.update(overrides)
    return data


def test_create_page_offers_the_only_institution_without_a_choice(official, institution, login):
    response = login(official).get(reverse("workspace:create"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'type="datetime-local"' in body
    assert f'type="hidden" name="institution" value="{institution.pk}"' in body
    assert institution.name in body


def test_create_stores_a_draft_in_belgrade_time(official, institution, login):
    data = _data(institution=institution.pk)
    response = login(official).post(reverse("workspace:create"), data)
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:manage", kwargs={"slug": consultation.slug})
    assert consultation.status == Consultation.Status.DRAFT
    assert consultation.institution == institution
    assert consultation.created_by == official
    monday = _future_monday()
    expected = dt.datetime.combine(monday, dt.time(9, 0), tzinfo=BELGRADE)
    assert consultation.opens_at == expected
    record = consultation.history.get()
    assert record.history_user == official


def test_official_of_several_institutions_chooses(official, institution, login):
    second = f.InstitutionFactory(name="Komuna e Prishtinës")
    f.MembershipFactory(user=official, organisation=second)
    client = login(official)
    body = client.get(reverse("workspace:create") + f"?institution={second.slug}").content.decode()
    assert "<select" in body and "Komuna e Prishtinës" in body
    assert f'<option value="{second.pk}" selected>' in body
    client.post(reverse("workspace:create"), _data(institution=second.pk))
    assert Consultation.objects.get().institution == second


def test_cannot_create_for_an_institution_one_is_not_official_of(
    official, institution, other_institution, login
):
    response = login(official).post(
        reverse("workspace:create"), _data(institution=other_institution.pk)
    )
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    assert not Consultation.objects.exists()


def test_closing_before_opening_is_a_form_error(official, institution, login):
    monday = _future_monday()
    data = _data(
        institution=institution.pk,
        opens_at=f"{monday.isoformat()}T09:00",
        closes_at=f"{(monday - dt.timedelta(days=1)).isoformat()}T09:00",
    )
    response = login(official).post(reverse("workspace:create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "closes_at" in form.errors
    assert "after the opening time" in " ".join(form.errors["closes_at"])
    assert not Consultation.objects.exists()


def test_short_round_without_justification_names_the_earliest_date(official, institution, login):
    monday = _future_monday()
    data = _data(
        institution=institution.pk,
        opens_at=f"{monday.isoformat()}T09:00",
        closes_at=f"{(monday + dt.timedelta(days=4)).isoformat()}T16:00",
    )
    client = login(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("workspace:create"), data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["closes_at"])
    opens_at = dt.datetime.combine(monday, dt.time(9, 0), tzinfo=BELGRADE)
    with translation.override("en"):
        earliest = formats.date_format(earliest_closing_date(opens_at), "DATE_FORMAT")
    assert earliest in errors
    assert str(settings.CONSULTATION_MIN_WORKING_DAYS) in errors
    body = response.content.decode()
    assert "error-summary" in body and earliest in body
    assert not Consultation.objects.exists()


def test_short_round_with_justification_is_accepted(official, institution, login):
    monday = _future_monday()
    data = _data(
        institution=institution.pk,
        opens_at=f"{monday.isoformat()}T09:00",
        closes_at=f"{(monday + dt.timedelta(days=4)).isoformat()}T16:00",
        short_round_justification="Afati i BE-së për transpozimin e direktivës është i shkurtër.",
    )
    response = login(official).post(reverse("workspace:create"), data)
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.is_short_round
    assert consultation.short_round_justification.startswith("Afati i BE-së")


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", ""),
        ("contact_email", "jo-email"),
        ("kind", "poezi"),
        ("opens_at", "2026-13-45T99:00"),
        ("contact_name", ""),
    ],
)
def test_bad_values_are_form_errors(field, value, official, institution, login):
    response = login(official).post(
        reverse("workspace:create"), _data(institution=institution.pk, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Consultation.objects.exists()


def test_nonexistent_local_time_is_refused(official, institution, login):
    # The last Sunday of March 2030: clocks go from 02:00 to 03:00 in Europe/Belgrade.
    response = login(official).post(
        reverse("workspace:create"),
        _data(
            institution=institution.pk,
            opens_at="2030-03-31T02:30",
            closes_at="2030-05-31T16:00",
        ),
    )
    assert "opens_at" in response.context["form"].errors
    assert not Consultation.objects.exists()


def test_edit_shows_local_times_and_saves(official, draft_consultation, login):
    client = login(official)
    url = reverse("workspace:edit", kwargs={"slug": draft_consultation.slug})
    response = client.get(url)
    local_opens = timezone.localtime(draft_consultation.opens_at, BELGRADE)
    assert local_opens.strftime("%Y-%m-%dT%H:%M") in response.content.decode()
    data = response.context["form"].initial.copy()
    form = response.context["form"]
    post = {name: form[name].value() for name in form.fields}
    post["opens_at"] = local_opens.strftime("%Y-%m-%dT%H:%M")
    post["closes_at"] = timezone.localtime(draft_consultation.closes_at, BELGRADE).strftime(
        "%Y-%m-%dT%H:%M"
    )
    post["title"] = "Projektligji i ndryshuar për çështjet e shoqërisë"
    assert data  # the form was filled from the consultation
    response = client.post(url, post)
    assert response.status_code == 302
    draft_consultation.refresh_from_db()
    assert draft_consultation.title == "Projektligji i ndryshuar për çështjet e shoqërisë"
    # Unchanged times keep their stored seconds (the boxes show minutes only).
    assert draft_consultation.opens_at == local_opens
    latest = draft_consultation.history.first()
    assert latest.history_user == official
    assert latest.history_change_reason == "edited"


def test_edit_of_an_open_consultation_keeps_the_opening_time(official, open_consultation, login):
    url = reverse("workspace:edit", kwargs={"slug": open_consultation.slug})
    client = login(official)
    form = client.get(url).context["form"]
    assert form.fields["opens_at"].disabled
    post = {name: form[name].value() for name in form.fields if name != "opens_at"}
    post["closes_at"] = timezone.localtime(
        open_consultation.closes_at + dt.timedelta(days=7), BELGRADE
    ).strftime("%Y-%m-%dT%H:%M")
    post["opens_at"] = "2020-01-01T00:00"  # ignored: the field is disabled
    before = open_consultation.opens_at
    response = client.post(url, post)
    assert response.status_code == 302, response.context["form"].errors
    open_consultation.refresh_from_db()
    assert open_consultation.opens_at == before


def test_edit_error_is_shown_and_nothing_changes(official, draft_consultation, login):
    url = reverse("workspace:edit", kwargs={"slug": draft_consultation.slug})
    client = login(official)
    form = client.get(url).context["form"]
    post = {name: form[name].value() for name in form.fields}
    opens = timezone.localtime(draft_consultation.opens_at, BELGRADE)
    post["opens_at"] = opens.strftime("%Y-%m-%dT%H:%M")
    post["closes_at"] = (opens + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    post["title"] = "Titull që nuk duhet të ruhet"
    response = client.post(url, post)
    assert response.status_code == 200
    assert "closes_at" in response.context["form"].errors
    draft_consultation.refresh_from_db()
    assert draft_consultation.title != "Titull që nuk duhet të ruhet"


def test_round_hint_endpoint(official, login):
    monday = _future_monday()
    client = login(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(
        reverse("workspace:round_hint"),
        {
            "opens_at": f"{monday.isoformat()}T09:00",
            "closes_at": f"{(monday + dt.timedelta(days=4)).isoformat()}T09:00",
        },
    )
    body = response.json()
    opens_at = dt.datetime.combine(monday, dt.time(9, 0), tzinfo=BELGRADE)
    assert body["earliest_closing_date"] == earliest_closing_date(opens_at).isoformat()
    assert body["short"] is True
    assert body["working_days"] == 4
    assert "justification" in body["message"]
    bad = client.get(reverse("workspace:round_hint"), {"opens_at": "dje"})
    assert bad.status_code == 400
    assert bad.json()["ok"] is False


def test_edit_page_shows_the_earliest_closing_date(official, draft_consultation, login):
    response = login(official).get(
        reverse("workspace:edit", kwargs={"slug": draft_consultation.slug})
    )
    with translation.override("en"):
        earliest = formats.date_format(
            earliest_closing_date(draft_consultation.opens_at), "DATE_FORMAT"
        )
    assert f"the earliest allowed closing date is {earliest}" in response.content.decode()
