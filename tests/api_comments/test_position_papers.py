"""Position papers over the API: upload, list, download, answers, and every refusal."""

from __future__ import annotations

import json

import pytest

from comments import services
from comments.models import OfficialResponse, PositionPaper, PositionPaperPoint
from consult.models import Consultation
from tests import factories as f
from tests.api.helpers import API, import_draft, upload

from .helpers import close, paper_url, papers_url

pytestmark = pytest.mark.django_db


def form(pdf: bytes, org, name: str = "qendrimi.pdf", **kw) -> dict:
    data = {
        "organisation": org.slug,
        "title": "Qëndrimi i organizatës",
        "summary": "Përmbledhje e qëndrimit tonë.",
        "attachment": upload(name, pdf),
    }
    data.update(kw)
    return data


def stored_files(settings) -> list:
    media = settings.MEDIA_ROOT
    return list(media.rglob("*.pdf")) if media.exists() else []


def submit(representative, consultation, cso, pdf):
    return services.position_paper_submit(
        actor=representative,
        consultation=consultation,
        organisation=cso,
        title="Qëndrimi",
        summary="Përmbledhje.",
        pdf=pdf,
    )


def test_representative_submits_a_position_paper(
    settings, api, as_user, proposal, cso, representative, pdf_bytes
):
    consultation = proposal.consultation
    response = as_user(representative).post(
        papers_url(consultation),
        form(pdf_bytes, cso, points=json.dumps({"neni-1": "Shtoni komunat.", "neni-2": " "})),
    )

    assert response.status_code == 201, response.data
    paper = PositionPaper.objects.get()
    assert response.data["tracking_number"] == paper.tracking_number
    assert response.data["organisation"]["slug"] == cso.slug
    assert response.data["pages"] == 1
    assert response.data["attachment_size"] == len(pdf_bytes)
    assert response.data["points"] == [{"section": "neni-1", "text": "Shtoni komunat."}]
    assert "qendrimi" not in paper.attachment.name  # stored under a generated name
    assert len(stored_files(settings)) == 1

    listed = api.get(papers_url(consultation))
    assert listed.status_code == 200
    assert [p["tracking_number"] for p in listed.data] == [paper.tracking_number]
    assert listed.data[0]["submitted_by"] is None
    assert representative.email not in json.dumps(listed.json())

    download = api.get(listed.data[0]["attachment_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment") and f"{paper.tracking_number}.pdf" in disposition
    assert b"".join(download.streaming_content) == pdf_bytes
    as_pdf = api.get(listed.data[0]["attachment_url"], HTTP_ACCEPT="application/pdf")
    assert as_pdf.status_code == 200


def test_officials_see_who_submitted(as_user, proposal, cso, representative, official, pdf_bytes):
    submit(representative, proposal.consultation, cso, pdf_bytes)

    listed = as_user(official).get(papers_url(proposal.consultation))

    assert listed.data[0]["submitted_by"]["email"] == representative.email


def test_list_query_count_does_not_grow(
    api, proposal, official, pdf_bytes, django_assert_num_queries
):
    consultation = proposal.consultation

    def add(n):
        for _ in range(n):
            cso = f.OrganisationFactory()
            paper = services.position_paper_submit(
                actor=f.representative_of(cso),
                consultation=consultation,
                organisation=cso,
                title="Qëndrimi",
                summary="Përmbledhje.",
                pdf=pdf_bytes,
                points={"neni-1": "Pika 1", "neni-2": "Pika 2"},
            )
            services.response_set(actor=official, position_paper=paper, outcome="noted")

    add(1)
    # consultation, papers (with organisation, response, submitter), points, their sections
    with django_assert_num_queries(4):
        api.get(papers_url(consultation))
    add(5)
    with django_assert_num_queries(4):
        assert len(api.get(papers_url(consultation)).data) == 6


@pytest.mark.parametrize(
    "data,message",
    [
        (b"Hello, I am a text file renamed .pdf", "not a PDF"),
        (b"%PDF-1.7\n garbage garbage", "damaged"),
        (b"", "empty"),
        (b"<html><script>alert(1)</script></html>", "not a PDF"),
    ],
)
def test_bad_files_are_400_and_leave_nothing(
    settings, as_user, proposal, cso, representative, data, message
):
    response = as_user(representative).post(papers_url(proposal.consultation), form(data, cso))

    assert response.status_code == 400, response.data
    assert message in response.data["attachment"][0]
    assert PositionPaper.objects.count() == 0
    assert stored_files(settings) == []


def test_oversized_file_is_refused_before_it_is_read(
    settings, monkeypatch, as_user, proposal, cso, representative, pdf_bytes
):
    settings.POSITION_PAPER_MAX_BYTES = len(pdf_bytes) - 1

    def never(*args, **kwargs):
        raise AssertionError("the service must not be reached")

    monkeypatch.setattr(services, "position_paper_submit", never)

    response = as_user(representative).post(papers_url(proposal.consultation), form(pdf_bytes, cso))

    assert response.status_code == 400
    assert "too large" in response.data["attachment"][0]
    assert PositionPaper.objects.count() == 0
    assert stored_files(settings) == []


def test_non_representatives_and_unverified_csos_are_403(
    settings, api, as_user, proposal, cso, citizen, pdf_bytes
):
    consultation = proposal.consultation
    pending = f.OrganisationFactory(verification_status="pending")
    member = f.member_of(cso)
    cases = [
        (as_user(citizen), cso),
        (as_user(member), cso),
        (as_user(f.representative_of(pending)), pending),
        (as_user(f.representative_of(cso, email_verified=False)), cso),
        (api, cso),
    ]
    for client, organisation in cases:
        response = client.post(papers_url(consultation), form(pdf_bytes, organisation))
        assert response.status_code == 403, response.data
    assert PositionPaper.objects.count() == 0
    assert stored_files(settings) == []


def test_an_institution_cannot_submit_as_a_cso(as_user, proposal, official, pdf_bytes):
    institution = proposal.consultation.institution
    rep = f.representative_of(institution)

    response = as_user(rep).post(papers_url(proposal.consultation), form(pdf_bytes, institution))

    assert response.status_code == 403
    assert PositionPaper.objects.count() == 0


def test_closed_consultation_is_403(settings, as_user, proposal, cso, representative, pdf_bytes):
    close(proposal.consultation)

    response = as_user(representative).post(papers_url(proposal.consultation), form(pdf_bytes, cso))

    assert response.status_code == 403
    assert PositionPaper.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    "change,field",
    [
        ({"title": "  "}, "title"),
        ({"summary": ""}, "summary"),
        ({"title": "x" * 251}, "title"),
        ({"organisation": "no-such-org"}, "organisation"),
        ({"points": "not json"}, "points"),
        ({"points": '["neni-1"]'}, "points"),
        ({"points": '{"neni-1": 5}'}, "points"),
        ({"points": '{"neni-99": "Pikë"}'}, "points"),
        ({"tracking_number": "KON-1"}, "tracking_number"),
    ],
)
def test_bad_fields_are_400_and_leave_nothing(
    settings, as_user, proposal, cso, representative, pdf_bytes, change, field
):
    response = as_user(representative).post(
        papers_url(proposal.consultation), form(pdf_bytes, cso, **change)
    )

    assert response.status_code == 400, response.data
    assert field in response.data
    assert PositionPaper.objects.count() == 0
    assert not PositionPaperPoint.objects.exists()
    assert stored_files(settings) == []


def test_missing_attachment_and_json_body_are_400_or_415(
    as_user, proposal, cso, representative, pdf_bytes
):
    client = as_user(representative)
    data = form(pdf_bytes, cso)
    del data["attachment"]

    missing = client.post(papers_url(proposal.consultation), data)
    as_json = client.post(
        papers_url(proposal.consultation), {"organisation": cso.slug}, format="json"
    )

    assert missing.status_code == 400 and "attachment" in missing.data
    assert as_json.status_code == 415
    assert PositionPaper.objects.count() == 0


def test_a_retry_with_the_same_idempotency_key_stores_one_paper(
    settings, as_user, proposal, cso, representative, pdf_bytes
):
    client = as_user(representative, HTTP_IDEMPOTENCY_KEY="paper-retry-1")

    first = client.post(papers_url(proposal.consultation), form(pdf_bytes, cso))
    second = client.post(papers_url(proposal.consultation), form(pdf_bytes, cso))

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.data["tracking_number"] == second.data["tracking_number"]
    assert PositionPaper.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_papers_of_a_draft_consultation_are_404(api, as_user, institution, official):
    draft = f.consultation_in_state("draft", institution=institution)

    assert api.get(papers_url(draft)).status_code == 404
    assert as_user(official).get(papers_url(draft)).status_code == 200


def test_unknown_paper_download_is_404(api):
    assert api.get(f"{API}/position-papers/KON-1999-000001/attachment/").status_code == 404
    missing = api.get(
        f"{API}/position-papers/KON-1999-000001/attachment/", HTTP_ACCEPT="application/pdf"
    )
    assert missing.status_code == 404


# --- answers -------------------------------------------------------------------------------


def test_official_answers_a_position_paper(
    api, as_user, proposal, cso, representative, official, pdf_bytes
):
    paper = submit(representative, proposal.consultation, cso, pdf_bytes)

    response = as_user(official).put(
        paper_url(paper, "response/"),
        {"outcome": "rejected", "justification": "Bie ndesh me ligjin.", "reflected_in": None},
        format="json",
    )

    assert response.status_code == 200, response.data
    assert response.data["outcome"] == "rejected"
    listed = api.get(papers_url(proposal.consultation)).data[0]
    assert listed["response"]["justification"] == "Bie ndesh me ligjin."
    status = api.get(f"{API}/submissions/{paper.tracking_number}/").data
    assert status["kind"] == "position_paper" and status["proposal"] is None
    assert status["response"]["outcome"] == "rejected"

    Consultation.objects.filter(pk=proposal.consultation_id).update(
        responses_visibility="with_report"
    )
    assert api.get(papers_url(proposal.consultation)).data[0]["response"] is None


def test_paper_answer_refusals(as_user, api, proposal, cso, representative, official, pdf_bytes):
    paper = submit(representative, proposal.consultation, cso, pdf_bytes)
    url = paper_url(paper, "response/")
    stranger = f.official_of(f.InstitutionFactory())

    for client in (as_user(stranger), as_user(representative), api):
        assert client.put(url, {"outcome": "accepted"}, format="json").status_code == 403
    unjustified = as_user(official).put(url, {"outcome": "partially"}, format="json")
    assert unjustified.status_code == 400 and "justification" in unjustified.data
    assert (
        as_user(official)
        .put(
            f"{API}/position-papers/KON-1999-000001/response/", {"outcome": "noted"}, format="json"
        )
        .status_code
        == 404
    )
    assert not OfficialResponse.objects.exists()


def test_an_article_key_shared_by_two_drafts_must_name_the_draft(
    as_user, proposal, cso, representative, official, pdf_bytes
):
    consultation = proposal.consultation
    second = import_draft(consultation, official, title="Plani i veprimit")
    paper = submit(representative, consultation, cso, pdf_bytes)
    url = paper_url(paper, "response/")
    client = as_user(official)

    ambiguous = client.put(url, {"outcome": "accepted", "reflected_in": "neni-1"}, format="json")
    named = client.put(
        url, {"outcome": "accepted", "reflected_in": f"{second.slug}/neni-1"}, format="json"
    )

    assert ambiguous.status_code == 400 and "reflected_in" in ambiguous.data
    assert named.status_code == 200, named.data
    assert OfficialResponse.objects.get().reflected_in.proposal == second
