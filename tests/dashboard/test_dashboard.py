"""The dashboard's figures for the demo data, checked against the database by counting the rows
one by one in Python (independently of the aggregate queries of dashboard.selectors)."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Organisation
from comments.models import Comment, PositionPaper
from consult.models import Consultation
from dashboard import selectors
from reports.models import ReportVersion

pytestmark = pytest.mark.django_db

S = Consultation.Status


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())


def _expected(now) -> dict:
    """Figures per institution id (and ``None`` for all), row by row."""
    out: dict = defaultdict(lambda: defaultdict(float))
    for c in Consultation.objects.exclude(status=S.DRAFT):
        status = c.effective_status_at(now)
        for key in (c.institution_id, None):
            e = out[key]
            e["consultations"] += 1
            e[status] += 1
            if status in selectors.HELD:
                e["held"] += 1
                if (
                    c.working_days is not None
                    and c.working_days < settings.CONSULTATION_MIN_WORKING_DAYS
                ):
                    e["short_rounds"] += 1
            first = ReportVersion.objects.filter(consultation=c).order_by("published_at").first()
            if first:
                e["reports"] += 1
                e["report_seconds"] += (first.published_at - c.closes_at).total_seconds()
    for model in (Comment, PositionPaper):
        for s in model.objects.exclude(status="withdrawn").select_related("consultation"):
            c = s.consultation
            if c.status == S.DRAFT:
                continue
            response = getattr(s, "response", None)
            public = response is not None and (
                c.responses_visibility == "immediate" or c.status == S.REPORT_PUBLISHED
            )
            for key in (c.institution_id, None):
                e = out[key]
                e["submissions"] += 1
                if public:
                    e["answered"] += 1
                    e[response.outcome] += 1
                    e["answer_seconds"] += (response.created_at - s.created_at).total_seconds()
    people = set()
    for comment in Comment.objects.exclude(status="withdrawn").select_related("consultation"):
        if comment.consultation.status != S.DRAFT:
            people.add(
                (
                    comment.consultation.institution_id,
                    comment.consultation_id,
                    comment.participant_id,
                )
            )
    for inst, _c, _p in people:
        out[inst]["participants"] += 1
        out[None]["participants"] += 1
    return out


def _check(figures: selectors.Figures, e) -> None:
    assert figures.consultations == e["consultations"]
    for status in selectors.STATUSES:
        assert getattr(figures, status) == e[status], status
    assert figures.held == e["held"]
    assert figures.short_rounds == e["short_rounds"]
    assert figures.reports == e["reports"]
    assert figures.report_seconds == pytest.approx(e["report_seconds"])
    assert figures.submissions == e["submissions"]
    assert figures.answered == e["answered"]
    assert figures.accepted == e["accepted"]
    assert figures.partially == e["partially"]
    assert figures.rejected == e["rejected"]
    assert figures.noted == e["noted"]
    assert figures.answer_seconds == pytest.approx(e["answer_seconds"], abs=1)
    assert figures.participants == e["participants"]
    if e["submissions"]:
        assert figures.answered_percent == round(100 * e["answered"] / e["submissions"], 1)
    if e["answered"]:
        assert figures.accepted_percent == round(
            100 * (e["accepted"] + e["partially"]) / e["answered"], 1
        )
    if e["held"]:
        assert figures.participation == round(e["participants"] / e["held"], 1)


def test_figures_match_the_database_for_the_demo_data(demo, django_assert_max_num_queries):
    now = timezone.now()
    with django_assert_max_num_queries(7):
        board = selectors.dashboard(now=now)
    expected = _expected(now)
    # The demo has answered, accepted, published-report and open consultations to check.
    assert expected[None]["held"] >= 2 and expected[None]["answered"] >= 1
    assert expected[None]["reports"] >= 1
    _check(board.figures(), expected[None])
    institutions = Organisation.objects.filter(consultations__isnull=False).distinct()
    assert {org.pk for org, _f in board.by_institution()} == {
        org.pk for org in institutions if expected[org.pk]["consultations"]
    }
    for org, figures in board.by_institution():
        _check(figures, expected[org.pk])
    # Years add up to the whole.
    assert sum(f.submissions for _y, f in board.by_year()) == board.figures().submissions


def test_page_and_downloads(client, demo):
    board = selectors.dashboard()
    overall = board.figures()
    response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Accountability dashboard" in html
    for org, _f in board.by_institution():
        assert org.name in html
    assert f'data-figure="held"><dt>Consultations held</dt><dd>{overall.held}</dd>' in html
    assert "<svg" in html

    data = json.loads(client.get("/dashboard/data.json").content)
    assert data["overall"]["submissions"] == overall.submissions
    assert data["overall"]["answered_percent"] == overall.answered_percent
    assert len(data["institutions"]) == len(board.by_institution())

    year = board.years[0]
    body = client.get(f"/dashboard/data.csv?year={year}").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[-1]["institution"] == "All institutions"
    assert int(rows[-1]["submissions"]) == board.figures(year=year).submissions
    assert int(rows[-1]["held"]) == board.figures(year=year).held


def test_a_bad_year_is_ignored(client, demo):
    response = client.get("/dashboard/?year=abc")
    assert response.status_code == 200
    assert client.get("/dashboard/?year=1999").status_code == 200


def test_empty_dashboard(client, db):
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "No consultation yet." in response.content.decode()


def test_answers_kept_until_the_report_are_not_counted(demo):
    """The demo's consultation that keeps its answers until the report: none counted before."""
    hidden = Consultation.objects.filter(responses_visibility="with_report").exclude(
        status=S.REPORT_PUBLISHED
    )
    board = selectors.dashboard()
    for consultation in hidden:
        figures = board.figures(institution=consultation.institution_id)
        answered_elsewhere = sum(
            1
            for model in (Comment, PositionPaper)
            for s in model.objects.filter(
                consultation__institution=consultation.institution, response__isnull=False
            )
            .exclude(status="withdrawn")
            .exclude(consultation=consultation)
        )
        assert figures.answered <= answered_elsewhere
