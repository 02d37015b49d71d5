"""Position papers through the pages: the submit page, the list on the consultation page, the
download; every bad file and every refusal stores nothing (no row, no file)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from comments import services
from comments.models import PositionPaper, PositionPaperPoint
from consult.models import Consultation
from tests import factories as f
from tests.comments.conftest import make_pdf

from .conftest import close, section_url

pytestmark = pytest.mark.django_db


def new_url(consultation):
    return reverse("comments:paper_new", kwargs={"slug": consultation.slug})


def download_url(paper):
    return reverse("comments:paper_download", kwargs={"tracking_number": paper.tracking_number})


def upload(data: bytes, name: str = "qendrimi.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def paper_data(cso, **overrides):
    data = {
        "organisation": cso.pk,
        "title": "Qëndrimi i organizatës për strategjinë",
        "summary": "Kërkojmë që komunat të përfshihen në çdo fazë.",
        "attachment": upload(make_pdf()),
        "token": "",
    }
    data.update(overrides)
    return data


def stored_files():
    root = settings.MEDIA_ROOT / "position-papers"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_representative_submits_a_paper_with_points(client_for, proposal, cso, representative):
    consultation = proposal.consultation
    client = client_for(representative)
    page = client.get(new_url(consultation))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and cso.name in html
    article = proposal.sections.get(key="neni-1")
    field = f"point_{article.pk}"
    assert f'name="{field}"' in html
    response = client.post(
        new_url(consultation),
        paper_data(cso, **{field: "Neni 1 duhet të përmendë komunat."}),
    )
    paper = PositionPaper.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"] == consultation.get_absolute_url() + f"#paper-{paper.tracking_number}"
    )
    assert paper.tracking_number in " ".join(messages_of(response))
    assert PositionPaperPoint.objects.get().section == article
    assert paper.attachment.name.startswith("position-papers/")
    assert "qendrimi" not in paper.attachment.name
    assert len(stored_files()) == 1


def test_the_consultation_page_lists_papers(client_for, proposal, cso, representative, official):
    consultation = proposal.consultation
    consultation.responses_visibility = Consultation.ResponsesVisibility.IMMEDIATE
    consultation.save()
    cso.website = "https://levizja.example"
    cso.save()
    paper = services.position_paper_submit(
        actor=representative,
        consultation=consultation,
        organisation=cso,
        title="Qëndrimi <script>alert(1)</script> ynë",
        summary="Përmbledhja e qëndrimit.",
        pdf=make_pdf(),
        points={"neni-2": "Përkufizimet janë të paqarta."},
    )
    services.response_set(
        actor=official, position_paper=paper, outcome="accepted", justification="U pranua."
    )
    html = client_for(None).get(consultation.get_absolute_url()).content.decode()
    assert "Position papers" in html and "(1)" in html
    assert f'href="https://levizja.example" rel="nofollow noopener">{cso.name}</a>' in html
    assert "Qëndrimi &lt;script&gt;alert(1)&lt;/script&gt; ynë" in html
    assert paper.tracking_number in html and download_url(paper) in html
    assert "Download PDF (1 page," in html
    assert section_url(proposal, "neni-2") in html and "Përkufizimet janë të paqarta." in html
    assert "Accepted" in html and "U pranua." in html
    assert representative.email not in html
    assert "Submit a position paper" not in html  # anonymous: no button
    assert (
        "Submit a position paper"
        in client_for(representative).get(consultation.get_absolute_url()).content.decode()
    )


def test_download_is_an_attachment_under_the_tracking_number(
    client_for, proposal, cso, representative
):
    pdf = make_pdf("Qëndrimi i plotë")
    paper = services.position_paper_submit(
        actor=representative,
        consultation=proposal.consultation,
        organisation=cso,
        title="Qëndrimi",
        summary="Përmbledhje.",
        pdf=pdf,
    )
    response = client_for(None).get(download_url(paper))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{paper.tracking_number}.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf


def test_download_of_hidden_withdrawn_or_unknown_papers_is_404(
    client_for, proposal, cso, representative
):
    paper = services.position_paper_submit(
        actor=representative,
        consultation=proposal.consultation,
        organisation=cso,
        title="Qëndrimi",
        summary="Përmbledhje.",
        pdf=make_pdf(),
    )
    client = client_for(None)
    for status in ("hidden", "withdrawn"):
        PositionPaper.objects.filter(pk=paper.pk).update(status=status)
        assert client.get(download_url(paper)).status_code == 404
        html = client.get(proposal.consultation.get_absolute_url()).content.decode()
        assert paper.tracking_number not in html
    missing = reverse("comments:paper_download", kwargs={"tracking_number": "KON-2026-999999"})
    assert client.get(missing).status_code == 404


def test_download_in_a_draft_consultation_is_404(client_for, proposal, cso, representative):
    paper = services.position_paper_submit(
        actor=representative,
        consultation=proposal.consultation,
        organisation=cso,
        title="Qëndrimi",
        summary="Përmbledhje.",
        pdf=make_pdf(),
    )
    Consultation.objects.filter(pk=proposal.consultation.pk).update(status="draft")
    assert client_for(None).get(download_url(paper)).status_code == 404


@pytest.mark.parametrize(
    "data,message",
    [
        (b"PK\x03\x04 this is a zip renamed to .pdf", "The file is not a PDF document."),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n", "damaged"),
        (b"", "The file is empty."),
    ],
)
def test_bad_files_are_refused_and_leave_nothing(
    client_for, proposal, cso, representative, data, message
):
    response = client_for(representative).post(
        new_url(proposal.consultation), paper_data(cso, attachment=upload(data))
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'class="error-summary"' in html
    assert 'value="Qëndrimi i organizatës për strategjinë"' in html  # what was typed stays
    assert not PositionPaper.objects.exists() and stored_files() == []


def test_a_file_over_the_limit_is_refused(client_for, proposal, cso, representative, settings):
    settings.POSITION_PAPER_MAX_BYTES = 4000
    big = make_pdf() + b"%" + b"0" * 5000 + b"\n"
    response = client_for(representative).post(
        new_url(proposal.consultation), paper_data(cso, attachment=upload(big))
    )
    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()
    assert not PositionPaper.objects.exists() and stored_files() == []


def test_a_body_too_large_for_any_file_is_refused_unread(
    client_for, proposal, cso, representative, settings
):
    settings.POSITION_PAPER_MAX_BYTES = 4000
    response = client_for(representative).post(
        new_url(proposal.consultation),
        paper_data(cso),
        CONTENT_LENGTH=str(4000 + 3 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "The file is too large" in response.content.decode()
    assert not PositionPaper.objects.exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("title", "   ", "Give the position paper a title."),
        ("summary", "", "Write a summary of your position."),
        ("title", "T" * 251, "The title is too long"),
        ("attachment", "", "Choose the PDF document of your position paper."),
    ],
)
def test_bad_fields(client_for, proposal, cso, representative, field, value, message):
    data = paper_data(cso, **{field: value})
    if field == "attachment":
        data.pop("attachment")
    response = client_for(representative).post(new_url(proposal.consultation), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not PositionPaper.objects.exists() and stored_files() == []


def test_double_submit_stores_one_paper(client_for, proposal, cso, representative):
    client = client_for(representative)
    for _ in range(2):
        response = client.post(
            new_url(proposal.consultation), paper_data(cso, token="3c1d5e7f9a0b2c4d")
        )
        assert response.status_code == 302
    assert PositionPaper.objects.count() == 1 and len(stored_files()) == 1


def test_who_may_not_submit(client_for, proposal, cso, unverified):
    consultation = proposal.consultation
    member = f.member_of(cso)
    pending = f.OrganisationFactory(verification_status="pending")
    pending_rep = f.representative_of(pending)
    for user, words in (
        (member, "Only a representative of a verified civil society organisation"),
        (pending_rep, "Your organisation is not verified yet"),
        (f.official_of(f.InstitutionFactory()), "Only a representative"),
        (unverified, "Confirm your email address"),
    ):
        client = client_for(user)
        page = client.get(new_url(consultation))
        assert page.status_code == 403 and words in page.content.decode()
        post = client.post(new_url(consultation), paper_data(pending))
        assert post.status_code == 403
    anonymous = client_for(None).get(new_url(consultation))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not PositionPaper.objects.exists() and stored_files() == []


def test_a_representative_cannot_submit_for_another_organisation(
    client_for, proposal, cso, representative
):
    other = f.OrganisationFactory()
    response = client_for(representative).post(new_url(proposal.consultation), paper_data(other))
    assert response.status_code == 400
    assert "Choose the organisation you submit for." in response.content.decode()
    assert not PositionPaper.objects.exists()


def test_nothing_after_closing(client_for, proposal, cso, representative):
    close(proposal.consultation)
    client = client_for(representative)
    assert client.get(new_url(proposal.consultation)).status_code == 403
    assert client.post(new_url(proposal.consultation), paper_data(cso)).status_code == 403
    assert not PositionPaper.objects.exists() and stored_files() == []
    html = client.get(proposal.consultation.get_absolute_url()).content.decode()
    assert new_url(proposal.consultation) not in html


def test_points_name_their_draft_when_two_drafts_share_article_keys(
    client_for, proposal, cso, representative, official
):
    from proposals.services import proposal_import

    consultation = proposal.consultation
    second = proposal_import(
        actor=official,
        consultation=consultation,
        data=f.SAMPLE_DRAFT_MD.replace("# Strategjia", "# Plani i veprimit").encode(),
        filename="plani.md",
    )
    target = second.sections.get(key="neni-1")
    client = client_for(representative)
    html = client.get(new_url(consultation)).content.decode()
    assert html.count('name="point_') == 8  # four articles in each draft
    client.post(
        new_url(consultation),
        paper_data(cso, **{f"point_{target.pk}": "Për planin, jo për strategjinë."}),
    )
    assert PositionPaperPoint.objects.get().section == target
