"""The report pages: public versions, the officials' live preview, publishing, meetings."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consult.models import Consultation
from reports import services
from reports.models import Meeting, ReportVersion
from tests import factories as f
from tests.reports.conftest import HIDDEN_EMAIL, HIDDEN_NAME, add_comments, build_round

pytestmark = pytest.mark.django_db

INLINE_SCRIPT_RE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER_RE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTR_RE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def url(consultation, name="reports:detail", **params):
    path = reverse(name, kwargs={"slug": consultation.slug})
    if params:
        path += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return path


def assert_clean_html(html: str) -> None:
    assert not INLINE_SCRIPT_RE.search(html)
    assert not EVENT_HANDLER_RE.search(html)
    assert not STYLE_ATTR_RE.search(html)


def test_no_report_yet_is_a_404_for_the_public(round_, client_for, citizen, other_official):
    for user in (None, citizen, other_official):
        assert client_for(user).get(url(round_.consultation)).status_code == 404
        assert client_for(user).get(url(round_.consultation, "reports:versions")).status_code == 404


def test_draft_consultation_is_a_404_for_the_public(institution, client_for, official):
    draft = f.consultation_in_state("draft", institution=institution)
    assert client_for().get(url(draft)).status_code == 404
    assert client_for(official).get(url(draft)).status_code == 200


def test_officials_see_the_live_report_marked_as_a_draft(round_, client_for, official, staff):
    for user in (official, staff):
        response = client_for(user).get(url(round_.consultation, lang="en"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Draft — not published" in html
        assert (
            'action="' + reverse("reports:publish", kwargs={"slug": round_.consultation.slug})
            in html
        )
        assert "meeting-form" in html
        assert 'id="report-summary"' in html and 'href="#report-summary"' in html
        assert "<svg" in html and 'role="img"' in html
        assert_clean_html(html)
        assert response["Cache-Control"].startswith("private")


def test_open_consultation_preview_has_no_publish_form(institution, client_for, official):
    consultation = f.consultation_in_state("open", institution=institution)
    html = client_for(official).get(url(consultation, lang="en")).content.decode()
    assert "Draft — not published" in html
    assert reverse("reports:publish", kwargs={"slug": consultation.slug}) not in html
    assert "can be published once the consultation has closed" in html


def test_publish_through_the_page_then_the_public_reads_it(round_, client_for, official):
    consultation = round_.consultation
    client = client_for(official)
    response = client.post(url(consultation, "reports:publish", lang="en"), {"note": ""})
    assert response.status_code == 302
    assert response["Location"] == url(consultation, lang="en", version=1)
    assert ReportVersion.objects.filter(consultation=consultation).count() == 3

    public = client_for().get(url(consultation, lang="en"))
    assert public.status_code == 200
    html = public.content.decode()
    assert "Draft — not published" not in html
    assert "Version 1, published on" in html
    assert reverse("reports:publish", kwargs={"slug": consultation.slug}) not in html
    for secret in (HIDDEN_NAME, HIDDEN_EMAIL):
        assert secret not in html
    assert "Drita Emërplotë" in html
    assert_clean_html(html)

    # The body language follows ?lang=; the Albanian body is another frozen row.
    sq = client_for().get(url(consultation, lang="sq")).content.decode()
    assert 'lang="sq"' in sq and "Version 1, published on" not in sq or 'lang="sq"' in sq


def test_a_correction_through_the_page_needs_a_note(round_, client_for, official):
    consultation = round_.consultation
    services.report_publish(actor=official, consultation=consultation)
    client = client_for(official)
    preview = client.get(url(consultation, lang="en")).content.decode()
    assert "Publish a correction" in preview
    response = client.post(url(consultation, "reports:publish", lang="en"), {"note": ""})
    assert response.status_code == 400
    assert "field__error" in response.content.decode()
    assert ReportVersion.objects.count() == 3
    response = client.post(
        url(consultation, "reports:publish", lang="en"), {"note": "Korrigjim i numrave."}
    )
    assert response.status_code == 302
    assert ReportVersion.objects.filter(number=2).count() == 3


def test_versions_are_listed_and_each_stays_readable(round_, client_for, official):
    consultation = round_.consultation
    services.report_publish(actor=official, consultation=consultation)
    services.report_publish(actor=official, consultation=consultation, note="Korrigjimi i parë.")
    client = client_for()
    page = client.get(url(consultation, "reports:versions", lang="en"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Korrigjimi i parë." in html
    assert url(consultation, lang="en", version=1).replace("&", "&amp;") in html
    assert url(consultation, lang="en", version=2).replace("&", "&amp;") in html
    latest = client.get(url(consultation, lang="en")).content.decode()
    assert "Version 2, published on" in latest
    first = client.get(url(consultation, lang="en", version=1)).content.decode()
    assert "Version 1, published on" in first and "A newer version exists." in first
    # Officials see published versions too with ?version=N.
    assert (
        "Version 1, published on"
        in client_for(official).get(url(consultation, lang="en", version=1)).content.decode()
    )


@pytest.mark.parametrize("bad", ["3", "0", "-1", "abc", "1.5", "9" * 30])
def test_bad_version_numbers_are_404(round_, client_for, official, bad):
    services.report_publish(actor=official, consultation=round_.consultation)
    assert client_for().get(url(round_.consultation, version=bad)).status_code == 404


def test_unknown_language_falls_back(round_, client_for, official):
    services.report_publish(actor=official, consultation=round_.consultation)
    response = client_for().get(url(round_.consultation, lang="xx"))
    assert response.status_code == 200


@pytest.mark.parametrize("who", [None, "citizen", "other_official"])
def test_others_cannot_publish_or_record_meetings(round_, client_for, citizen, other_official, who):
    user = {"citizen": citizen, "other_official": other_official}.get(who)
    client = client_for(user)
    consultation = round_.consultation
    response = client.post(url(consultation, "reports:publish"), {"note": ""})
    assert response.status_code in (302, 403) if user is None else response.status_code == 403
    response = client.post(
        url(consultation, "reports:meeting_add"),
        {"held_at": "2026-01-10T10:00", "place": "Prishtinë", "participants_count": "3"},
    )
    assert response.status_code in (302, 403)
    assert not ReportVersion.objects.exists() and not Meeting.objects.exists()


def test_get_is_not_allowed_on_the_actions(round_, client_for, official):
    client = client_for(official)
    assert client.get(url(round_.consultation, "reports:publish")).status_code == 405
    assert client.get(url(round_.consultation, "reports:meeting_add")).status_code == 405


def test_record_and_remove_a_meeting_through_the_page(round_, client_for, official):
    consultation = round_.consultation
    client = client_for(official)
    response = client.post(
        url(consultation, "reports:meeting_add", lang="en"),
        {
            "held_at": "2020-03-02T10:00",
            "place": "Salla e mbledhjeve, Komuna e Prishtinës",
            "participants_count": "18",
            "participants_description": "Shoqata e të verbërve",
            "notes": "",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.participants_count == 18 and meeting.created_by == official
    html = client.get(url(consultation, lang="en")).content.decode()
    assert "Salla e mbledhjeve, Komuna e Prishtinës" in html
    bad = client.post(
        url(consultation, "reports:meeting_add", lang="en"),
        {"held_at": "nesër", "place": "", "participants_count": "-4"},
    )
    assert bad.status_code == 400
    assert bad.content.decode().count("field__error") >= 3
    assert Meeting.objects.count() == 1
    delete = reverse("reports:meeting_delete", kwargs={"slug": consultation.slug, "pk": meeting.pk})
    assert client.post(delete).status_code == 302
    assert not Meeting.objects.exists()
    assert client.post(delete).status_code == 404


def test_links_from_the_consultation_and_workspace_pages(round_, client_for, official):
    consultation = round_.consultation
    report_url = url(consultation)
    manage = client_for(official).get(
        reverse("workspace:manage", kwargs={"slug": consultation.slug})
    )
    assert report_url in manage.content.decode()
    services.report_publish(actor=official, consultation=consultation)
    detail = client_for().get(consultation.get_absolute_url())
    assert report_url in detail.content.decode()


def count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


def test_public_page_queries_are_pinned(round_, client_for, official, django_assert_num_queries):
    consultation = round_.consultation
    services.report_publish(actor=official, consultation=consultation)
    client = client_for()
    # consultation, the versions list, the shown version
    with django_assert_num_queries(3):
        assert client.get(url(consultation, lang="en")).status_code == 200
    add_comments(consultation, round_.proposal, 40, answered_by=official)
    services.report_publish(actor=official, consultation=consultation, note="Më shumë komente.")
    with django_assert_num_queries(3):
        assert client.get(url(consultation, lang="en")).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(url(consultation, "reports:versions", lang="en")).status_code == 200


def test_preview_queries_do_not_grow_with_submissions(institution, official, client_for):
    small = build_round(institution, official)
    big = build_round(institution, official)
    add_comments(big.consultation, big.proposal, 80, answered_by=official)
    client = client_for(official)
    client.get(url(small.consultation))  # warm the session
    n_small = count(client, url(small.consultation, lang="en"))
    n_big = count(client, url(big.consultation, lang="en"))
    assert n_small == n_big
    assert n_big <= 20


def test_consultation_state_after_publishing_through_the_page(round_, client_for, official):
    client_for(official).post(url(round_.consultation, "reports:publish"), {"note": ""})
    round_.consultation.refresh_from_db()
    assert round_.consultation.status == Consultation.Status.REPORT_PUBLISHED


def test_download_links(round_, client_for, official):
    consultation = round_.consultation
    preview = client_for(official).get(url(consultation, lang="en")).content.decode()
    base = url(consultation).rstrip("/")
    assert f"{base}.pdf?lang=en&amp;draft=1" in preview
    assert f"{base}.xlsx?lang=en&amp;private=1" in preview
    services.report_publish(actor=official, consultation=consultation)
    public = client_for().get(url(consultation, lang="sq")).content.decode()
    assert f"{base}.pdf?lang=sq" in public
    assert "private=1" not in public and "draft=1" not in public
    old = client_for().get(url(consultation, lang="en", version=1)).content.decode()
    assert f"{base}.docx?lang=en&amp;version=1" in old
