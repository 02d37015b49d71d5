"""Publishing the report (``reports.services.report_publish``) and recording meetings."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from comments import services as comment_services
from comments.models import OfficialResponse
from consult.models import Consultation
from reports import services
from reports.models import Meeting, ReportVersion
from reports.selectors import build_report, published_version, published_versions
from tests import factories as f
from tests.reports.conftest import HIDDEN_EMAIL, HIDDEN_NAME, build_round

pytestmark = pytest.mark.django_db
S = Consultation.Status


@pytest.fixture
def actors(institution, official, citizen, staff, other_official):
    return {
        "citizen": citizen,
        "other_official": other_official,
        "official": official,
        "staff": staff,
    }


def in_state(state: str, institution, official) -> Consultation:
    if state == "report_published":
        consultation = f.consultation_in_state("closed", institution=institution)
        services.report_publish(actor=official, consultation=consultation)
        return Consultation.objects.get(pk=consultation.pk)
    return f.consultation_in_state(state, institution=institution)


ALLOWED = {"official", "staff"}


@pytest.mark.parametrize("who", ["citizen", "other_official", "official", "staff"])
@pytest.mark.parametrize("state", ["open", "closed", "open_expired", "report_published"])
def test_permission_matrix(actors, institution, official, who, state):
    consultation = in_state(state, institution, official)
    actor = actors[who]
    before = ReportVersion.objects.filter(consultation=consultation).count()
    note = "Korrigjim i datës së takimit." if state == "report_published" else ""
    if who in ALLOWED and state != "open":
        number = services.report_publish(actor=actor, consultation=consultation, note=note)
        assert number == (2 if state == "report_published" else 1)
        consultation.refresh_from_db()
        assert consultation.status == S.REPORT_PUBLISHED
        assert ReportVersion.objects.filter(consultation=consultation).count() == before + 3
    else:
        with pytest.raises(PermissionDenied):
            services.report_publish(actor=actor, consultation=consultation, note=note)
        assert ReportVersion.objects.filter(consultation=consultation).count() == before
        consultation.refresh_from_db()
        if state != "report_published":
            assert consultation.status != S.REPORT_PUBLISHED


@pytest.mark.parametrize("state", ["draft", "scheduled", "withdrawn"])
def test_refused_before_closing_or_when_withdrawn(institution, official, state):
    consultation = f.consultation_in_state(state, institution=institution)
    with pytest.raises(PermissionDenied):
        services.report_publish(actor=official, consultation=consultation)


def test_anonymous_is_refused(institution):
    from django.contrib.auth.models import AnonymousUser

    consultation = f.consultation_in_state("closed", institution=institution)
    with pytest.raises(PermissionDenied):
        services.report_publish(actor=AnonymousUser(), consultation=consultation)
    with pytest.raises(PermissionDenied):
        services.report_publish(actor=None, consultation=consultation)


def test_first_publication_freezes_three_languages_and_moves_the_state(round_, official):
    consultation = round_.consultation
    assert consultation.status == S.CLOSED
    number = services.report_publish(actor=official, consultation=consultation)
    assert number == 1
    rows = list(ReportVersion.objects.filter(consultation=consultation).order_by("language"))
    assert [r.language for r in rows] == ["en", "sq", "sr-latn"]
    assert {r.number for r in rows} == {1}
    assert len({r.published_at for r in rows}) == 1
    for row in rows:
        assert row.published_by == official and row.note == ""
        assert row.snapshot["language"] == row.language
        assert row.snapshot["include_private"] is False
        assert row.snapshot["consultation"]["status"] == S.REPORT_PUBLISHED
        assert 'id="report-title"' in row.html
        assert "report__draft-mark" not in row.html
    en = next(r for r in rows if r.language == "en")
    assert "Version 1, published on" in en.html
    consultation.refresh_from_db()
    assert consultation.status == S.REPORT_PUBLISHED
    last = consultation.history.latest("history_date")
    assert (last.status, last.history_user, last.history_change_reason) == (
        S.REPORT_PUBLISHED,
        official,
        "report published",
    )


def test_a_correction_needs_a_note_and_keeps_earlier_versions(round_, official):
    consultation = round_.consultation
    services.report_publish(actor=official, consultation=consultation)
    first = {r.language: (r.html, r.snapshot) for r in ReportVersion.objects.all()}
    with pytest.raises(ValidationError) as exc:
        services.report_publish(actor=official, consultation=consultation, note="   ")
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.report_publish(actor=official, consultation=consultation, note="x" * 2001)
    assert ReportVersion.objects.count() == 3
    number = services.report_publish(
        actor=official, consultation=consultation, note="U shtua takimi me shoqatat."
    )
    assert number == 2
    assert ReportVersion.objects.filter(number=2).count() == 3
    for row in ReportVersion.objects.filter(number=1):
        assert (row.html, row.snapshot) == first[row.language]
    latest = published_version(consultation, language="en")
    assert latest.number == 2 and latest.note == "U shtua takimi me shoqatat."
    assert "U shtua takimi me shoqatat." in latest.html
    assert [v.number for v in published_versions(consultation, language="sq")] == [2, 1]
    history = consultation.history.filter(history_change_reason="report published")
    assert history.count() == 1  # a correction is not a new state


def test_the_frozen_snapshot_does_not_change_when_answers_do(round_, official):
    consultation = round_.consultation
    services.report_publish(actor=official, consultation=consultation)
    frozen = {r.pk: (r.html, json.dumps(r.snapshot)) for r in ReportVersion.objects.all()}
    comment_services.response_set(
        actor=official,
        comment=round_.comment_paragraph,
        outcome="rejected",
        justification="Përgjigje e dhënë pas publikimit të raportit.",
    )
    comment_services.response_set(actor=official, comment=round_.comment_named, outcome="noted")
    for row in ReportVersion.objects.all():
        assert (row.html, json.dumps(row.snapshot)) == frozen[row.pk]
        assert "Përgjigje e dhënë pas publikimit" not in row.html
    live = build_report(consultation)
    assert any(
        s.answer and s.answer.justification == "Përgjigje e dhënë pas publikimit të raportit."
        for s in live.submissions
    )


def test_the_published_report_never_names_who_chose_not_to_be_shown(round_, official):
    services.report_publish(actor=official, consultation=round_.consultation)
    for row in ReportVersion.objects.all():
        dumped = json.dumps(row.snapshot, ensure_ascii=False)
        for secret in (HIDDEN_NAME, HIDDEN_EMAIL):
            assert secret not in row.html and secret not in dumped
        assert "Drita Emërplotë" in row.html  # she consented


def test_answers_withheld_until_the_report_are_emailed_on_publication(
    institution, official, mailoutbox, django_capture_on_commit_callbacks
):
    round_ = build_round(institution, official, responses_visibility="with_report")
    consultation = round_.consultation
    assert not OfficialResponse.objects.filter(notified_at__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(actor=official, consultation=consultation)
    recipients = sorted(m.to[0] for m in mailoutbox)
    expected = sorted(
        [
            round_.named.email,
            HIDDEN_EMAIL,
            round_.business.email,
            round_.representative.email,
        ]
    )
    assert recipients == expected
    assert not OfficialResponse.objects.filter(notified_at__isnull=True).exists()


def test_report_snapshot_language_labels(round_, official):
    services.report_publish(actor=official, consultation=round_.consultation)
    en = published_version(round_.consultation, language="en")
    sq = published_version(round_.consultation, language="sq")
    assert en.snapshot["consultation"]["kind_label"] == "Draft law"
    with translation.override("sq"):
        assert sq.snapshot["consultation"]["kind_label"] == str(Consultation.Kind.LAW.label)


# --- Meetings -------------------------------------------------------------------------------


def meeting(actor, consultation, **kwargs):
    values = {
        "held_at": timezone.now() - dt.timedelta(days=3),
        "place": "Salla e Kuvendit Komunal, Prishtinë",
        "participants_description": "Shoqata e udhëtarëve, OShC-të lokale",
        "participants_count": 24,
        "notes": "U diskutuan tarifat.",
    }
    values.update(kwargs)
    return services.meeting_add(actor=actor, consultation=consultation, **values)


def test_meeting_recorded_and_listed_in_the_report(round_, official):
    m = meeting(official, round_.consultation)
    assert (m.created_by, m.participants_count) == (official, 24)
    report = build_report(round_.consultation)
    (listed,) = report.methods.meetings
    assert (listed.id, listed.place, listed.participants_count) == (m.pk, m.place, 24)
    assert report.summary.meetings == 1
    services.meeting_delete(actor=official, meeting=m)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("place", {"place": "  "}),
        ("place", {"place": "x" * 201}),
        ("held_at", {"held_at": None}),
        ("held_at", {"held_at": timezone.now() + dt.timedelta(days=2)}),
        ("participants_count", {"participants_count": -1}),
        ("participants_count", {"participants_count": "shumë"}),
        ("notes", {"notes": "x" * 5001}),
    ],
)
def test_meeting_bad_input(round_, official, field, values):
    with pytest.raises(ValidationError) as exc:
        meeting(official, round_.consultation, **values)
    assert field in exc.value.message_dict
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "other_official"])
def test_meetings_only_by_the_institution(round_, actors, official, who):
    with pytest.raises(PermissionDenied):
        meeting(actors[who], round_.consultation)
    m = meeting(official, round_.consultation)
    with pytest.raises(PermissionDenied):
        services.meeting_delete(actor=actors[who], meeting=m)
    assert Meeting.objects.count() == 1
    meeting(actors["staff"], round_.consultation)
    assert Meeting.objects.count() == 2
