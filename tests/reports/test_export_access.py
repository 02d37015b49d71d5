"""Who may download which report export, over HTTP: published versions, the live draft, the
private variant, background jobs and their files (``reports.export_views``)."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client
from django.urls import reverse

from consult.models import Consultation
from jobs import runner
from jobs.models import Job
from reports import services
from reports.exporters import FORMATS
from tests import factories as f
from tests.reports.conftest import add_comments, build_round

pytestmark = pytest.mark.django_db


def url(consultation, fmt, **query):
    base = reverse("report_exports:download", kwargs={"slug": consultation.slug, "fmt": fmt})
    if query:
        base += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return base


@pytest.fixture
def people(official, citizen, staff, other_official):
    return {
        "anonymous": None,
        "citizen": citizen,
        "other_official": other_official,
        "official": official,
        "colleague": None,  # filled below: another official of the same institution
        "staff": staff,
    }


@pytest.fixture
def clients(people, institution, client_for):
    made = {}
    for who, user in people.items():
        if who == "colleague":
            user = f.official_of(institution)
        made[who] = client_for(user)
    return made


@pytest.fixture
def published(institution, official):
    r = build_round(institution, official)
    services.report_publish(actor=official, consultation=r.consultation)
    r.consultation = Consultation.objects.get(pk=r.consultation.pk)
    return r


PREVIEWERS = {"official", "colleague", "staff"}


@pytest.mark.parametrize(
    "who", ["anonymous", "citizen", "other_official", "official", "colleague", "staff"]
)
@pytest.mark.parametrize("variant", [{}, {"draft": 1}, {"private": 1}, {"version": 1}])
def test_published_report_matrix(clients, published, who, variant):
    response = clients[who].get(url(published.consultation, "csv", lang="en", **variant))
    if not variant or variant == {"version": 1} or who in PREVIEWERS:
        assert response.status_code == 200
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        private = "private" in variant
        assert (published.hidden.email in body) is private
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert response["X-Content-Type-Options"] == "nosniff"
        if variant.get("draft") or private:
            assert response["Cache-Control"] == "private, no-store"
    else:
        assert response.status_code == 403
        assert published.hidden.email.encode() not in response.content


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize(
    "who", ["anonymous", "citizen", "other_official", "official", "colleague", "staff"]
)
def test_unpublished_report(clients, round_, who, fmt):
    """Closed, not published: nothing for the public; the live draft for the institution."""
    public = clients[who].get(url(round_.consultation, fmt))
    assert public.status_code == 404
    draft = clients[who].get(url(round_.consultation, fmt, draft=1))
    assert draft.status_code == (200 if who in PREVIEWERS else 403)
    private = clients[who].get(url(round_.consultation, fmt, private=1))
    assert private.status_code == (200 if who in PREVIEWERS else 403)
    if who not in PREVIEWERS:
        assert round_.hidden.email.encode() not in draft.content + private.content


@pytest.mark.parametrize("who", ["anonymous", "citizen", "other_official"])
def test_a_draft_consultation_is_not_even_there(clients, institution, who):
    consultation = f.consultation_in_state("draft", institution=institution)
    for query in ({}, {"draft": 1}, {"private": 1}):
        assert clients[who].get(url(consultation, "json", **query)).status_code == 404


def test_filenames_and_types(clients, published):
    c = published.consultation
    for fmt, spec in FORMATS.items():
        response = clients["anonymous"].get(url(c, fmt, lang="sr-latn"))
        assert response.status_code == 200
        assert response["Content-Type"].split(";")[0] == spec.content_type.split(";")[0]
        assert response["Content-Disposition"] == (
            f'attachment; filename="{c.slug}-report-v1-sr-latn.{fmt}"'
        )
    draft = clients["official"].get(url(c, "xlsx", draft=1, private=1, lang="sq"))
    assert draft["Content-Disposition"] == (
        f'attachment; filename="{c.slug}-report-v2-draft-private-sq.xlsx"'
    )


def test_language_defaults_to_the_request_language(published):
    client = Client()
    client.cookies["konsulta_language"] = "en"
    response = client.get(url(published.consultation, "csv"))
    assert response["Content-Disposition"].endswith('-v1-en.csv"')
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert header[0] == "Tracking number"


@pytest.mark.parametrize(
    "query,status",
    [
        ({"lang": "xx"}, 400),
        ({"lang": "de"}, 400),
        ({"version": "abc"}, 400),
        ({"version": "-1"}, 400),
        ({"version": "0"}, 400),
        ({"version": "99"}, 404),
        ({"draft": "maybe"}, 400),
        ({"private": "2"}, 400),
    ],
)
def test_bad_parameters(clients, published, query, status):
    response = clients["official"].get(url(published.consultation, "csv", **query))
    assert response.status_code == status


def test_unknown_format_and_consultation(clients, published):
    assert (
        clients["anonymous"]
        .get(f"/consultations/{published.consultation.slug}/report.exe")
        .status_code
        == 404
    )
    assert clients["anonymous"].get("/consultations/no-such-thing/report.csv").status_code == 404


def test_a_later_version_and_an_older_one(clients, published, official):
    services.report_publish(actor=official, consultation=published.consultation, note="Korrigjim.")
    latest = clients["anonymous"].get(url(published.consultation, "json", lang="en"))
    older = clients["anonymous"].get(url(published.consultation, "json", lang="en", version=1))
    assert json.loads(b"".join(latest.streaming_content))["report"]["version"] == 2
    assert json.loads(b"".join(older.streaming_content))["report"]["version"] == 1
    assert older["Content-Disposition"].endswith('-v1-en.json"')


# --- background exports -----------------------------------------------------------------------


@pytest.fixture
def big(settings, published):
    """Every export of ``published`` goes to the background; jobs run only when the test
    says so (``runner.run_pending``)."""
    settings.REPORT_EXPORT_SYNC_MAX_SUBMISSIONS = 2
    settings.REPORT_EXPORT_SYNC_MAX_SUBMISSIONS_PAGED = 2
    settings.JOBS_INPROCESS = False
    return published


def start(client, consultation, fmt, **query) -> Job:
    response = client.get(url(consultation, fmt, **query))
    assert response.status_code == 302, response.status_code
    token = response["Location"].rstrip("/").split("/")[-1]
    assert response["Location"] == reverse("report_exports:status", kwargs={"token": token})
    return Job.objects.get(token=token)


def run_jobs(limit: int = 20) -> None:
    """Run what is queued; bounded, no sleeping."""
    for _attempt in range(limit):
        if not runner.run_pending():
            return
    raise AssertionError("jobs still queued")


def test_background_export_for_its_owner_only(clients, big):
    owner = clients["official"]
    job = start(owner, big.consultation, "xlsx", private=1, lang="en")
    assert job.status == Job.Status.QUEUED and job.created_by is not None
    status = owner.get(reverse("report_exports:status", kwargs={"token": job.token}))
    assert status.status_code == 200
    assert b"export-status.js" in status.content and b"<script>" not in status.content
    data = owner.get(reverse("report_exports:status_json", kwargs={"token": job.token})).json()
    assert data["status"] == "queued" and data["download_url"] is None
    # a second click while it is queued: the same job
    assert start(owner, big.consultation, "xlsx", private=1, lang="en").pk == job.pk

    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.file
    assert not job.file.name.endswith(f"{big.consultation.slug}-report-v2-private-en.xlsx")
    data = owner.get(reverse("report_exports:status_json", kwargs={"token": job.token})).json()
    assert data["finished"] and data["progress"] == 100
    assert data["download_url"] == reverse(
        "report_exports:job_download", kwargs={"token": job.token}
    )
    download = owner.get(data["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="{big.consultation.slug}-report-v2-draft-private-en.xlsx"'
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    body = b"".join(download.streaming_content)
    assert body.startswith(b"PK")

    for who in ("anonymous", "citizen", "other_official", "colleague"):
        for name in ("status", "status_json", "job_download"):
            response = clients[who].get(
                reverse(f"report_exports:{name}", kwargs={"token": job.token})
            )
            assert response.status_code == 404, (who, name)
    assert clients["staff"].get(data["download_url"]).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "citizen", "official", "staff"])
def test_guessed_tokens_are_404(clients, big, who):
    for name in ("status", "status_json", "job_download"):
        response = clients[who].get(
            reverse(f"report_exports:{name}", kwargs={"token": uuid.uuid4()})
        )
        assert response.status_code == 404
    other = Job.objects.create(name="tests.other", args={})
    response = clients["staff"].get(
        reverse("report_exports:job_download", kwargs={"token": other.token})
    )
    assert response.status_code == 404
    assert clients[who].get("/exports/not-a-uuid/download/").status_code == 404


def test_anonymous_background_export_belongs_to_the_session(big):
    first, second = Client(), Client()
    job = start(first, big.consultation, "json", lang="en")
    assert job.created_by is None
    status_json = reverse("report_exports:status_json", kwargs={"token": job.token})
    assert first.get(status_json).status_code == 200
    assert second.get(status_json).status_code == 404
    run_jobs()
    download = first.get(reverse("report_exports:job_download", kwargs={"token": job.token}))
    doc = json.loads(b"".join(download.streaming_content))
    assert doc["report"]["version"] == 1 and doc["submission_count"] == len(doc["submissions"])
    assert (
        second.get(reverse("report_exports:job_download", kwargs={"token": job.token})).status_code
        == 404
    )
    # the same public file is then served to everyone at the public address
    again = second.get(url(big.consultation, "json", lang="en"))
    assert again.status_code == 200
    assert json.loads(b"".join(again.streaming_content)) == doc
    assert Job.objects.filter(name="reports.export").count() == 1


def test_a_private_export_is_lost_with_the_right_to_it(clients, big, institution):
    colleague = f.official_of(institution)
    client = Client()
    client.force_login(colleague)
    job = start(client, big.consultation, "csv", private=1)
    run_jobs()
    download = reverse("report_exports:job_download", kwargs={"token": job.token})
    assert client.get(download).status_code == 200
    colleague.memberships.all().delete()
    assert client.get(download).status_code == 404


def test_background_pdf_job_runs_with_progress(clients, big):
    owner = clients["official"]
    add_comments(big.consultation, big.proposal, 5, answered_by=big.official)
    job = start(owner, big.consultation, "pdf", draft=1)
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.result["submissions"] == 8 + 5 and job.result["size"] > 1000
    assert job.result["filename"].endswith("-report-v2-draft-en.pdf")  # the client's language
    body = b"".join(
        owner.get(
            reverse("report_exports:job_download", kwargs={"token": job.token})
        ).streaming_content
    )
    assert body.startswith(b"%PDF-")


def test_a_failed_job_says_so(clients, big, settings, monkeypatch):
    settings.JOBS_RETRY_SECONDS = 0
    owner = clients["official"]
    job = start(owner, big.consultation, "docx", draft=1)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("reports.exporters.docx.write", boom)
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    data = owner.get(reverse("report_exports:status_json", kwargs={"token": job.token})).json()
    assert data["error"] and "disk full" not in data["error"] and data["download_url"] is None
    page = owner.get(reverse("report_exports:status", kwargs={"token": job.token}))
    assert b"draft=1" in page.content  # the "try again" link


# --- streaming under ASGI, the API and the schema -----------------------------------------------


def test_csv_streams_asynchronously_under_asgi(published):
    """Under ASGI the CSV is an async iterator (Django would otherwise read a sync one whole
    into memory before sending it); the rows are made in the request's thread."""

    async def fetch():
        response = await AsyncClient().get(url(published.consultation, "csv", lang="en"))
        assert response.status_code == 200
        assert response.is_async
        return [chunk async for chunk in response]

    chunks = async_to_sync(fetch)()
    body = b"".join(chunks).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Tracking number,")
    assert published.comment_named.tracking_number in body


def test_api_json_endpoint_and_schema(clients, published, settings):
    api = reverse("report_exports:api_json", kwargs={"slug": published.consultation.slug})
    response = clients["anonymous"].get(api + "?lang=en")
    assert response.status_code == 200
    doc = json.loads(b"".join(response.streaming_content))
    assert doc["consultation"]["slug"] == published.consultation.slug
    assert clients["anonymous"].get(api + "?private=1").status_code == 403
    assert clients["anonymous"].get(api + "?lang=xx").json()["detail"]
    schema = clients["anonymous"].get(reverse("report_exports:schema"))
    assert schema.status_code == 200 and schema["Content-Type"] == "application/schema+json"
    assert json.loads(b"".join(schema.streaming_content))["title"].startswith("Konsulta")
    openapi = clients["anonymous"].get("/api/schema/?format=json")
    assert "/api/v1/consultations/{slug}/report.json" in openapi.json()["paths"]

    settings.REPORT_EXPORT_SYNC_MAX_SUBMISSIONS = 1
    settings.JOBS_INPROCESS = False
    queued = clients["official"].get(api + "?draft=1")
    assert queued.status_code == 202 and queued["Retry-After"]
    assert queued.json()["status_url"].endswith("/status.json")
