"""Draft documents over the API: reading, uploading, versions, differences, sections."""

from __future__ import annotations

import pytest

from proposals.models import Proposal, ProposalVersion, Section, SectionText, Vote
from proposals.services import proposal_version_publish, vote_cast
from tests import factories as f

from .helpers import consultation_url, docx_bytes, import_draft, make_client, upload

pytestmark = pytest.mark.django_db

REVISED_MD = f.SAMPLE_DRAFT_MD.replace(
    "Institucionet ndajnë fonde për organizatat përmes thirrjeve të hapura.",
    "Institucionet ndajnë fonde publike për organizatat vetëm përmes thirrjeve të hapura.",
).replace(
    "Neni 4\nHyrja në fuqi\n\nKjo strategji hyn në fuqi shtatë ditë pas publikimit në "
    "Gazetën Zyrtare.\n",
    "Neni 4\nRaportimi\n\nMinistria raporton çdo vit për zbatimin e strategjisë.\n\n"
    "Neni 5\nHyrja në fuqi\n\nKjo strategji hyn në fuqi shtatë ditë pas publikimit në "
    "Gazetën Zyrtare.\n",
)


def rows():
    """What an upload could have stored, to compare before and after a refused one."""
    return (
        Proposal.objects.count(),
        ProposalVersion.objects.count(),
        Section.objects.count(),
        SectionText.objects.count(),
    )


# --- reading -------------------------------------------------------------------------------


def test_proposal_list(api, proposal):
    response = api.get(consultation_url(proposal.consultation) + "proposals/")
    assert response.status_code == 200
    assert response.data == [
        {
            "slug": proposal.slug,
            "title": "Strategjia për bashkëpunim me shoqërinë civile",
            "kind": "draft_act",
            "kind_display": "Draft act",
            "position": 0,
            "current_version": 1,
        }
    ]


def test_proposal_detail_has_the_section_tree_and_tallies(api, proposal, official):
    voters = [f.UserFactory() for _ in range(3)]
    article = Section.objects.get(proposal=proposal, key="neni-1")
    vote_cast(actor=voters[0], proposal=proposal, choice="for", section=article)
    vote_cast(actor=voters[1], proposal=proposal, choice="against", section=article)
    vote_cast(actor=voters[2], proposal=proposal, choice="for")

    response = api.get(f"{consultation_url(proposal.consultation)}proposals/{proposal.slug}/")

    assert response.status_code == 200
    data = response.data
    assert data["consultation"] == proposal.consultation.slug
    assert data["current_version"] == 1
    assert data["tally"] == {"for": 1, "against": 0, "abstain": 0, "total": 1}
    assert data["my_vote"] is None
    sections = {s["key"]: s for s in data["sections"]}
    assert [s["position"] for s in data["sections"]] == sorted(
        s["position"] for s in data["sections"]
    )
    neni1 = sections["neni-1"]
    assert neni1["kind"] == "article"
    assert neni1["number"] == "1"
    assert neni1["title"] == "Qëllimi"
    assert neni1["label"] == "Article 1: Qëllimi"
    assert neni1["tally"] == {"for": 1, "against": 1, "abstain": 0, "total": 2}
    assert neni1["parent_key"] == sections[neni1["parent_key"]]["key"]
    assert sections[neni1["parent_key"]]["kind"] == "chapter"
    paragraph = next(s for s in data["sections"] if s["parent_key"] == "neni-1")
    assert paragraph["kind"] == "paragraph"
    assert paragraph["depth"] == neni1["depth"] + 1
    assert "parimet e bashkëpunimit" in paragraph["body"]
    assert paragraph["tally"]["total"] == 0


def test_proposal_detail_shows_my_votes(as_user, proposal):
    citizen = f.UserFactory()
    vote_cast(actor=citizen, proposal=proposal, choice="abstain")
    data = (
        as_user(citizen)
        .get(f"{consultation_url(proposal.consultation)}proposals/{proposal.slug}/")
        .data
    )
    assert data["my_vote"] == "abstain"


def test_proposal_detail_query_count_does_not_grow(api, proposal, django_assert_max_num_queries):
    url = f"{consultation_url(proposal.consultation)}proposals/{proposal.slug}/"
    with django_assert_max_num_queries(5):
        response = api.get(url)
    assert len(response.data["sections"]) == Section.objects.filter(proposal=proposal).count()


def test_unknown_proposal_is_404(api, open_consultation):
    response = api.get(consultation_url(open_consultation) + "proposals/nuk-ka/")
    assert response.status_code == 404


def test_proposal_of_another_consultation_is_not_found(api, proposal, institution):
    other = f.consultation_in_state("open", institution=institution)
    response = api.get(f"{consultation_url(other)}proposals/{proposal.slug}/")
    assert response.status_code == 404


def test_section_detail(api, proposal):
    vote_cast(
        actor=f.UserFactory(),
        proposal=proposal,
        choice="against",
        section=Section.objects.get(proposal=proposal, key="neni-3"),
    )
    response = api.get(
        f"{consultation_url(proposal.consultation)}proposals/{proposal.slug}/sections/neni-3/"
    )
    assert response.status_code == 200
    assert response.data["key"] == "neni-3"
    assert response.data["title"] == "Financimi publik"
    assert response.data["is_current"] is True
    assert response.data["tally"] == {"for": 0, "against": 1, "abstain": 0, "total": 1}
    missing = api.get(
        f"{consultation_url(proposal.consultation)}proposals/{proposal.slug}/sections/neni-99/"
    )
    assert missing.status_code == 404


# --- uploading a draft ---------------------------------------------------------------------


def test_official_uploads_a_markdown_draft(as_user, draft_consultation, official):
    response = as_user(official).post(
        consultation_url(draft_consultation) + "proposals/",
        {"file": upload("strategjia.md", f.SAMPLE_DRAFT_MD.encode()), "kind": "draft_act"},
        format="multipart",
    )
    assert response.status_code == 201, response.data
    proposal = Proposal.objects.get()
    assert response.data["slug"] == proposal.slug
    assert response.data["title"] == "Strategjia për bashkëpunim me shoqërinë civile"
    assert response.data["current_version"] == 1
    assert {s["key"] for s in response.data["sections"]} >= {"neni-1", "neni-4"}


def test_official_uploads_a_word_draft(as_user, draft_consultation, official):
    data = docx_bytes(
        [
            ("Udhëzimi administrativ për qasjen në dokumente publike", "Title"),
            ("Neni 1", None),
            ("Qëllimi", None),
            ("1. Ky udhëzim përcakton procedurën e qasjes.", None),
            ("Neni 2", None),
            ("Afatet", None),
            ("1. Kërkesa trajtohet brenda shtatë ditëve.", None),
        ]
    )
    response = as_user(official).post(
        consultation_url(draft_consultation) + "proposals/",
        {"file": upload("udhezimi.docx", data), "title": "Udhëzimi për qasjen"},
        format="multipart",
    )
    assert response.status_code == 201, response.data
    assert response.data["title"] == "Udhëzimi për qasjen"
    assert [s["key"] for s in response.data["sections"] if s["kind"] == "article"] == [
        "neni-1",
        "neni-2",
    ]


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("projekti.docx", b"Ky nuk eshte dokument Word, vetem tekst.", "not a Word (.docx)"),
        ("projekti.md", b"", "empty"),
        ("projekti.docx", b"", "empty"),
        (
            "projekti.md",
            "# Projekt\n\nVetëm një paragraf pa asnjë nen.\n".encode(),
            "no articles",
        ),
        ("projekti.pdf", b"%PDF-1.4", "unsupported format"),
    ],
    ids=["not-docx", "empty-md", "empty-docx", "no-articles", "pdf"],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    as_user, draft_consultation, official, name, data, fragment
):
    import_draft(draft_consultation, official)
    before = rows()

    response = as_user(official).post(
        consultation_url(draft_consultation) + "proposals/",
        {"file": upload(name, data), "title": "Projekt"},
        format="multipart",
    )

    assert response.status_code == 400, response.data
    assert list(response.data) == ["file"]
    assert all(isinstance(m, str) and m for m in response.data["file"])
    assert fragment in " ".join(response.data["file"])
    assert rows() == before


def test_word_document_without_articles_is_refused(as_user, draft_consultation, official):
    data = docx_bytes([("Një letër", "Title"), ("Përshëndetje, ky është vetëm një shënim.", None)])
    response = as_user(official).post(
        consultation_url(draft_consultation) + "proposals/",
        {"file": upload("leter.docx", data)},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.data) == ["file"]
    assert "no articles" in response.data["file"][0]
    assert Proposal.objects.count() == 0


def test_upload_without_a_file(as_user, draft_consultation, official):
    response = as_user(official).post(
        consultation_url(draft_consultation) + "proposals/", {"title": "X"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.data == {"file": ["Choose a file to upload."]}


def test_upload_larger_than_the_limit(as_user, draft_consultation, official, settings):
    settings.DRAFT_UPLOAD_MAX_BYTES = 1024
    response = as_user(official).post(
        consultation_url(draft_consultation) + "proposals/",
        {"file": upload("i-madh.md", f.SAMPLE_DRAFT_MD.encode() * 2)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "larger than the limit" in response.data["file"][0]
    assert Proposal.objects.count() == 0


def test_upload_with_a_bad_kind(as_user, draft_consultation, official):
    response = as_user(official).post(
        consultation_url(draft_consultation) + "proposals/",
        {"file": upload("a.md", f.SAMPLE_DRAFT_MD.encode()), "kind": "ligj"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.data == {"kind": ["Choose a valid kind of document."]}
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize("who", ["citizen", "other_official"])
def test_others_cannot_upload(who, open_consultation, other_institution):
    user = f.UserFactory() if who == "citizen" else f.official_of(other_institution)
    response = make_client(user).post(
        consultation_url(open_consultation) + "proposals/",
        {"file": upload("a.md", f.SAMPLE_DRAFT_MD.encode())},
        format="multipart",
    )
    assert response.status_code == 403
    assert Proposal.objects.count() == 0


def test_anonymous_cannot_upload(api, open_consultation):
    response = api.post(
        consultation_url(open_consultation) + "proposals/",
        {"file": upload("a.md", f.SAMPLE_DRAFT_MD.encode())},
        format="multipart",
    )
    assert response.status_code == 403
    assert Proposal.objects.count() == 0


# --- versions and differences --------------------------------------------------------------


def test_versions_list_and_publish(as_user, proposal, official):
    official.display_name = "Zyrtarja Drita"
    official.save()
    client = as_user(official)
    url = f"{consultation_url(proposal.consultation)}proposals/{proposal.slug}/versions/"

    published = client.post(
        url,
        {"file": upload("v2.md", REVISED_MD.encode()), "note": "Pas takimit me OShC-të."},
        format="multipart",
    )

    assert published.status_code == 201, published.data
    assert published.data["number"] == 2
    assert published.data["is_current"] is True
    assert published.data["created_by"] == "Zyrtarja Drita"
    listed = client.get(url).data
    assert [v["number"] for v in listed] == [2, 1]
    assert listed[0]["note"] == "Pas takimit me OShC-të."
    assert listed[1]["is_current"] is False
    assert listed[0]["section_count"] > listed[1]["section_count"] - 1


def test_publishing_needs_a_note_and_a_good_file(as_user, proposal, official):
    client = as_user(official)
    url = f"{consultation_url(proposal.consultation)}proposals/{proposal.slug}/versions/"
    before = rows()

    no_note = client.post(url, {"file": upload("v2.md", REVISED_MD.encode())}, format="multipart")
    assert no_note.status_code == 400
    assert no_note.data == {"note": ["Say briefly what changed in this version."]}

    bad_file = client.post(
        url, {"file": upload("v2.docx", b"jo word"), "note": "Ndryshime."}, format="multipart"
    )
    assert bad_file.status_code == 400
    assert list(bad_file.data) == ["file"]
    assert rows() == before


def test_citizen_cannot_publish_a_version(as_user, proposal):
    response = as_user(f.UserFactory()).post(
        f"{consultation_url(proposal.consultation)}proposals/{proposal.slug}/versions/",
        {"file": upload("v2.md", REVISED_MD.encode()), "note": "Ndryshime."},
        format="multipart",
    )
    assert response.status_code == 403
    assert ProposalVersion.objects.count() == 1


def test_version_detail(api, proposal, official):
    proposal_version_publish(
        actor=official, proposal=proposal, data=REVISED_MD.encode(), filename="v2.md", note="v2"
    )
    base = f"{consultation_url(proposal.consultation)}proposals/{proposal.slug}/versions/"

    first = api.get(base + "1/")

    assert first.status_code == 200
    assert first.data["number"] == 1
    assert first.data["is_current"] is False
    titles = {s["key"]: s["title"] for s in first.data["sections"]}
    assert titles["neni-4"] == "Hyrja në fuqi"
    assert api.get(base + "2/").data["is_current"] is True
    assert api.get(base + "9/").status_code == 404


def test_diff_between_versions(api, proposal, official):
    proposal_version_publish(
        actor=official, proposal=proposal, data=REVISED_MD.encode(), filename="v2.md", note="v2"
    )
    url = f"{consultation_url(proposal.consultation)}proposals/{proposal.slug}/diff/"

    response = api.get(url, {"from": 1, "to": 2})

    assert response.status_code == 200
    data = response.data
    assert (data["from"], data["to"]) == (1, 2)
    assert data["stats"]["changed"] >= 1
    assert sum(data["stats"].values()) == len(data["changes"])
    by_status = {}
    for change in data["changes"]:
        by_status.setdefault(change["status"], []).append(change)
    changed_bodies = " ".join(c["body_html"] for c in by_status["changed"])
    assert "<ins>" in changed_bodies
    added = by_status["added"]
    assert all(c["old"] is None and c["new"]["number"] for c in added)
    unchanged = by_status["unchanged"][0]
    assert set(unchanged["old"]) == {"kind", "number", "label", "title", "body"}
    assert unchanged["moved"] is False
    # The default is the previous version against the current one.
    assert api.get(url).data["stats"] == data["stats"]


def test_diff_escapes_the_text(api, open_consultation, official):
    text = "Neni 1\nQëllimi\n\n1. Teksti <b>i vjetër</b>.\n"
    proposal = import_draft(open_consultation, official, text, title="Rregullorja")
    proposal_version_publish(
        actor=official,
        proposal=proposal,
        data=text.replace("vjetër", "ri <script>alert(1)</script>").encode(),
        filename="v2.md",
        note="v2",
    )
    response = api.get(f"{consultation_url(open_consultation)}proposals/{proposal.slug}/diff/")
    html = " ".join(c["body_html"] for c in response.data["changes"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("query", "field"),
    [({"from": 1, "to": 7}, "to"), ({"from": "një"}, "from"), ({"from": 0, "to": 1}, "from")],
)
def test_diff_rejects_bad_version_numbers(api, proposal, query, field):
    url = f"{consultation_url(proposal.consultation)}proposals/{proposal.slug}/diff/"
    response = api.get(url, query)
    assert response.status_code == 400
    assert field in response.data


def test_diff_of_a_single_version_explains_itself(api, proposal):
    url = f"{consultation_url(proposal.consultation)}proposals/{proposal.slug}/diff/"
    response = api.get(url)
    assert response.status_code == 400
    assert response.data == {"from": ["There is no earlier version to compare with."]}
    assert Vote.objects.count() == 0
