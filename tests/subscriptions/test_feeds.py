"""Atom feeds: valid XML, the right entries, in the requested language; pages link to them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from tests import factories as f

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def atom(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    return root


def entry_slug(root, link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def titles(root) -> list[str]:
    return [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]


def test_open_feed_lists_open_consultations_only(client, institution):
    open_one = f.consultation_in_state("open", institution=institution, title="Ligji për ujërat")
    due = f.consultation_in_state("scheduled_due", title="Rregullorja për çerdhet")
    for state in ("draft", "scheduled", "closed", "withdrawn", "open_expired"):
        f.consultation_in_state(state, title=f"Jo në burim: {state}")
    root = atom(client.get("/feeds/open/"))
    assert sorted(titles(root)) == sorted([open_one.title, due.title])
    entry = root.find(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"https://konsulta.example/consultations/{entry_slug(root, link)}/"
    self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == "https://konsulta.example/feeds/open/"


def test_institution_feed_lists_that_institutions_public_consultations(
    client, institution, other_institution
):
    ours = [
        f.consultation_in_state(state, institution=institution, title=f"Jona {state}")
        for state in ("open", "closed", "scheduled")
    ]
    f.consultation_in_state("draft", institution=institution, title="Draft i fshehtë")
    f.consultation_in_state("open", institution=other_institution, title="E tjetrit")
    root = atom(client.get(f"/feeds/institutions/{institution.slug}/"))
    assert sorted(titles(root)) == sorted(c.title for c in ours)
    assert institution.name in root.find(f"{ATOM}title").text
    assert client.get("/feeds/institutions/nuk-ekziston/").status_code == 404
    cso = f.OrganisationFactory()
    assert client.get(f"/feeds/institutions/{cso.slug}/").status_code == 404


def test_feed_text_in_the_requested_language(institution):
    f.consultation_in_state("open", institution=institution, kind="strategy", title="Strategjia")
    anonymous = Client()
    sq = atom(anonymous.get("/feeds/open/?lang=sq"))
    en = atom(anonymous.get("/feeds/open/?lang=en"))
    sr = atom(anonymous.get("/feeds/open/", HTTP_ACCEPT_LANGUAGE="sr-latn"))
    assert sq.find(f"{ATOM}title").text == "Konsultimet e hapura · Konsulta"
    assert en.find(f"{ATOM}title").text == "Open consultations · Konsulta"
    assert sr.find(f"{ATOM}title").text == "Otvorene konsultacije · Konsulta"
    assert sq.get("{http://www.w3.org/XML/1998/namespace}lang") == "sq"
    summary = en.find(f"{ATOM}entry/{ATOM}summary").text
    assert "Strategy" in summary and institution.name in summary
    assert sq.find(f"{ATOM}entry/{ATOM}summary").text.startswith("Strategji, nga ")
    bad = atom(anonymous.get("/feeds/open/?lang=xx"))  # ignored: the default language
    assert bad.find(f"{ATOM}title").text == "Konsultimet e hapura · Konsulta"


def test_reports_feed(institution):
    from reports import services as report_services

    consultation = f.consultation_in_state("closed", institution=institution, title="Rregullorja")
    official = f.official_of(institution)
    report_services.report_publish(actor=official, consultation=consultation)
    report_services.report_publish(
        actor=official, consultation=consultation, note="Korrigjim i vogël."
    )
    anonymous = Client()
    en = atom(anonymous.get("/feeds/reports/?lang=en"))
    assert titles(en) == ["Report (correction 2): Rregullorja", "Report: Rregullorja"]
    links = [e.find(f"{ATOM}link").get("href") for e in en.findall(f"{ATOM}entry")]
    assert links[0].endswith("/report/?version=2") and links[1].endswith("/report/?version=1")
    sq = atom(anonymous.get("/feeds/reports/?lang=sq"))
    assert titles(sq)[1] == "Raporti: Rregullorja"


def test_pages_point_to_the_feeds(client, institution):
    consultation = f.consultation_in_state("open", institution=institution)
    home = client.get("/").content.decode()
    assert 'type="application/atom+xml"' in home and "/feeds/open/?lang=en" in home
    assert "/feeds/reports/" in home
    assert "/feeds/open/" in client.get("/consultations/").content.decode()
    detail = client.get(consultation.get_absolute_url()).content.decode()
    assert f"/feeds/institutions/{institution.slug}/" in detail
    page = client.get(f"/institutions/{institution.slug}/").content.decode()
    assert f'href="/feeds/institutions/{institution.slug}/?lang=en"' in page
