"""The report's whole journey through the pages, as the issue's "Done when" tells it: an official
closes the consultation, previews the report, answers the last submissions, publishes it and
downloads all five formats, each opened with the library of its usual program and checked
against the database; then the public reads the published report and downloads its formats,
without what is private."""

from __future__ import annotations

import csv
import io
import json

import docx
import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from comments import services as comment_services
from comments.models import Comment, OfficialResponse, PositionPaper
from consult.models import Consultation
from proposals.services import proposal_import
from tests import factories as f
from tests.comments.conftest import make_pdf

from .conftest import comment

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Afati u zgjat në 30 ditë, siç u propozua."


def download(client, consultation, fmt: str, **params) -> bytes:
    path = reverse("report_exports:download", kwargs={"slug": consultation.slug, "fmt": fmt})
    query = "&".join(f"{k}={v}" for k, v in {"lang": "en", **params}.items())
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200, (fmt, params, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_close_preview_answer_publish_and_download_every_format(
    institution, official, client_for, django_capture_on_commit_callbacks
):
    consultation = f.ConsultationFactory(
        institution=institution,
        responses_visibility=Consultation.ResponsesVisibility.WITH_REPORT,
    )
    proposal = proposal_import(
        actor=official,
        consultation=consultation,
        data=f.SAMPLE_DRAFT_MD.encode(),
        filename="draft.md",
    )
    named = f.UserFactory(display_name="Drita Gashi", email="drita.gashi@example.org")
    hidden = f.UserFactory(display_name="Emri I Fshehur", email="fshehur@example.org")
    first = comment(
        named, proposal, "neni-1", stance="against", body="Afati është shumë i shkurtër."
    )
    second = comment(hidden, proposal, "neni-2", consent="hidden", body="Neni 2 duhet sqaruar.")
    cso = f.OrganisationFactory(name="Instituti për Politika")
    paper = comment_services.position_paper_submit(
        actor=f.representative_of(cso),
        consultation=consultation,
        organisation=cso,
        title="Qëndrimi i institutit",
        summary="Kërkojmë konsultim me komunat.",
        pdf=make_pdf(),
    )
    numbers = {first.tracking_number, second.tracking_number, paper.tracking_number}
    client = client_for(official)

    # 1. Close.
    response = client.post(reverse("workspace:close", kwargs={"slug": consultation.slug}))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.effective_status == Consultation.Status.CLOSED

    # 2. Preview: the live report, marked as a draft, lists every submission.
    report_url = reverse("reports:detail", kwargs={"slug": consultation.slug}) + "?lang=en"
    preview = client.get(report_url).content.decode()
    assert "Draft — not published" in preview
    assert all(number in preview for number in numbers)

    # 3. Answer every submission, one after the other as the answer page leads.
    mail.outbox.clear()
    answer_url = reverse(
        "submissions:answer",
        kwargs={"slug": consultation.slug, "tracking_number": first.tracking_number},
    )
    for _ in range(len(numbers)):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                answer_url,
                {"outcome": "accepted", "justification": JUSTIFICATION, "reflected_in": ""},
            )
        assert response.status_code == 302
        answer_url = response["Location"]
    assert OfficialResponse.objects.filter(consultation=consultation).count() == 3
    assert "Every submission of this consultation has an answer." in [
        str(m) for m in response.wsgi_request._messages
    ]
    assert not mail.outbox  # answers wait for the report (WITH_REPORT)

    # 4. Publish: the answers become public and their authors are told.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:publish", kwargs={"slug": consultation.slug}) + "?lang=en",
            {"note": ""},
        )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.REPORT_PUBLISHED
    told = {address for message in mail.outbox for address in message.to}
    assert {"drita.gashi@example.org", "fshehur@example.org"} <= told

    # 5. The official downloads all five formats; each opens and says what the database says.
    pdf = PdfReader(io.BytesIO(download(client, consultation, "pdf")))
    pdf_text = "\n".join(page.extract_text() for page in pdf.pages)
    assert all(number in pdf_text for number in numbers)
    assert all(number in docx_text(download(client, consultation, "docx")) for number in numbers)
    book = openpyxl.load_workbook(io.BytesIO(download(client, consultation, "xlsx", private=1)))
    rows = list(book["Submissions"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert {row[header.index("Tracking number")] for row in body} == numbers
    assert "fshehur@example.org" in [v for row in body for v in row]  # private: identities
    table = list(
        csv.DictReader(io.StringIO(download(client, consultation, "csv").decode("utf-8-sig")))
    )
    assert {row["Tracking number"] for row in table} == numbers
    report = json.loads(download(client, consultation, "json"))
    submitted = {
        *Comment.objects.filter(consultation=consultation).values_list(
            "tracking_number", flat=True
        ),
        *PositionPaper.objects.filter(consultation=consultation).values_list(
            "tracking_number", flat=True
        ),
    }
    assert {s["tracking_number"] for s in report["submissions"]} == submitted == numbers
    assert {s["answer"]["outcome"] for s in report["submissions"]} == {"accepted"}
    assert report["report"]["status"] == "published"

    # 6. The public: the published report and its formats, and nothing private.
    public = client_for()
    page = public.get(report_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Draft — not published" not in html and JUSTIFICATION in html
    assert "Emri I Fshehur" not in html and "fshehur@example.org" not in html
    for fmt in ("pdf", "docx", "xlsx", "csv", "json"):
        data = download(public, consultation, fmt)
        assert b"fshehur@example.org" not in data
    public_csv = download(public, consultation, "csv").decode("utf-8-sig")
    assert "Emri I Fshehur" not in public_csv and "Drita Gashi" in public_csv
    refused = public.get(
        reverse("report_exports:download", kwargs={"slug": consultation.slug, "fmt": "xlsx"})
        + "?lang=en&private=1"
    )
    assert refused.status_code in (403, 404)
