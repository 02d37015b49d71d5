"""Importing the translation of a draft: aligned by structure, refused whole when it differs."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from proposals.models import ProposalVersion, SectionText, SectionTextTranslation
from proposals.services import proposal_translation_import, proposal_version_publish
from proposals.translations import StructureMismatch, align, same_number
from tests import factories as f

from .conftest import SAMPLE_DRAFT_EN_MD, SAMPLE_DRAFT_SR_MD

pytestmark = pytest.mark.django_db


def stored(proposal):
    return SectionTextTranslation.objects.filter(version__proposal=proposal)


def test_translation_is_stored_section_by_section(proposal, translate, official):
    version = translate(proposal)
    assert version == proposal.current_version
    texts = SectionText.objects.filter(version=version)
    rows = {
        r.section.key: r
        for r in stored(proposal).filter(language="sr-latn").select_related("section")
    }
    assert set(rows) == {t.section.key for t in texts}  # every section, nothing else
    assert rows["neni-1"].title == "Svrha"
    assert rows["neni-2-1-1"].body.startswith("Organizacija civilnog društva")
    assert rows["kapitulli-2"].title == "SPROVOĐENJE"
    assert rows["hyrja"].body.startswith("Vlada Republike Kosovo")
    # The original is untouched, and the version records the translation and its title.
    assert proposal.sections.get(key="neni-1").title == "Qëllimi"
    version.refresh_from_db()
    assert version.language == "sq"
    assert version.title_translations == {"sr-latn": "Strategija za saradnju sa civilnim društvom"}
    assert version.languages == ["sq", "sr-latn"]
    # Who did it is in the history of the rows and of the version.
    assert rows["neni-1"].history.first().history_user == official
    assert version.history.first().history_user == official
    assert "translation sr-latn" in version.history.first().history_change_reason


def test_two_translations_and_the_site_order(proposal, translate):
    translate(proposal, SAMPLE_DRAFT_EN_MD, language="en")
    translate(proposal)
    version = ProposalVersion.objects.get(pk=proposal.current_version_id)
    assert set(version.title_translations) == {"sr-latn", "en"}
    assert version.languages == ["sq", "sr-latn", "en"]  # the site's order, whatever the JSON's
    assert (
        stored(proposal).filter(language="en").count()
        == stored(proposal).filter(language="sr-latn").count()
    )


def test_importing_again_corrects_in_place_with_history(proposal, translate):
    translate(proposal)
    ids = set(stored(proposal).values_list("pk", flat=True))
    corrected = SAMPLE_DRAFT_SR_MD.replace("sva ministarstva", "sva ministarstva i agencije")
    translate(proposal, corrected)
    assert set(stored(proposal).values_list("pk", flat=True)) == ids
    row = stored(proposal).get(section__key="neni-1-2")
    assert row.body == "Strategija se primenjuje na sva ministarstva i agencije."
    assert [h.body for h in row.history.order_by("history_date")] == [
        "Strategija se primenjuje na sva ministarstva.",
        "Strategija se primenjuje na sva ministarstva i agencije.",
    ]


# Each variant breaks the structure in one place; the message names where.
MISMATCHES = [
    pytest.param(
        SAMPLE_DRAFT_SR_MD.replace("2. Strategija se primenjuje na sva ministarstva.\n", ""),
        "Article 1",
        id="missing-paragraph",
    ),
    pytest.param(
        SAMPLE_DRAFT_SR_MD.replace("1.2. Javna konsultacija", "1.3. Javna konsultacija"),
        "Article 2",
        id="point-number",
    ),
    pytest.param(
        SAMPLE_DRAFT_SR_MD.replace("2. Svaki poziv", "3. Svaki poziv"),
        "Article 3",
        id="paragraph-number",
    ),
    pytest.param(
        SAMPLE_DRAFT_SR_MD.replace("Član 3\nJavno finansiranje", "Član 5\nJavno finansiranje"),
        "Article 3",
        id="article-number",
    ),
    pytest.param(
        SAMPLE_DRAFT_SR_MD + "\nČlan 5\nPrelazne odredbe\n\nOva odredba je nova.\n",
        "Article 5",
        id="extra-article",
    ),
    pytest.param(
        SAMPLE_DRAFT_SR_MD.split("Član 4")[0],
        "Article 4",
        id="missing-article",
    ),
    pytest.param(
        SAMPLE_DRAFT_SR_MD.replace("POGLAVLJE II\nSPROVOĐENJE\n", ""),
        "Chapter II",
        id="missing-chapter",
    ),
]


@pytest.mark.parametrize(("text", "where"), MISMATCHES)
def test_a_different_structure_is_refused_and_nothing_is_stored(proposal, translate, text, where):
    version = proposal.current_version
    with pytest.raises(ValidationError) as caught:
        translate(proposal, text)
    messages = caught.value.message_dict["file"]
    assert len(messages) == 1
    assert "does not have the same structure" in messages[0]
    assert where in messages[0], messages[0]
    assert not stored(proposal).exists()
    version.refresh_from_db()
    assert version.title_translations == {}
    assert version.history.count() == 1  # only its creation


def test_a_refused_correction_keeps_the_earlier_translation(proposal, translate):
    translate(proposal)
    before = list(stored(proposal).values_list("pk", "title", "body"))
    with pytest.raises(ValidationError):
        translate(proposal, SAMPLE_DRAFT_SR_MD.split("Član 4")[0])
    assert list(stored(proposal).values_list("pk", "title", "body")) == before


def test_an_unreadable_file_is_refused_on_file(proposal, official):
    with pytest.raises(ValidationError) as caught:
        proposal_translation_import(
            actor=official, proposal=proposal, language="sr-latn", data=b"", filename="x.md"
        )
    assert "file" in caught.value.message_dict
    assert not stored(proposal).exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [("sq", "is written in Albanian"), ("de", "site's languages"), ("", "site's languages")],
)
def test_the_language_must_be_another_site_language(proposal, official, language, message):
    with pytest.raises(ValidationError) as caught:
        proposal_translation_import(
            actor=official,
            proposal=proposal,
            language=language,
            data=SAMPLE_DRAFT_SR_MD.encode(),
            filename="sr.md",
        )
    assert message in caught.value.message_dict["language"][0]
    assert not stored(proposal).exists()


def test_only_the_institutions_officials_may_translate(proposal, citizen, institution):
    other = f.official_of(f.InstitutionFactory())
    for person in (citizen, other):
        with pytest.raises(PermissionDenied):
            proposal_translation_import(
                actor=person,
                proposal=proposal,
                language="sr-latn",
                data=SAMPLE_DRAFT_SR_MD.encode(),
                filename="sr.md",
            )
    assert not stored(proposal).exists()


def test_not_in_a_withdrawn_consultation(proposal, official):
    from consult.models import Consultation

    Consultation.objects.filter(pk=proposal.consultation_id).update(
        status=Consultation.Status.WITHDRAWN
    )
    with pytest.raises(PermissionDenied):
        proposal_translation_import(
            actor=official,
            proposal=proposal,
            language="sr-latn",
            data=SAMPLE_DRAFT_SR_MD.encode(),
            filename="sr.md",
        )


def test_a_version_of_another_draft_is_refused(proposal, translate, official, draft_md):
    from proposals.services import proposal_import

    other = proposal_import(
        actor=official, consultation=proposal.consultation, data=draft_md, filename="b.md"
    )
    with pytest.raises(ValidationError) as caught:
        translate(proposal, version=other.current_version)
    assert "version" in caught.value.message_dict


def test_an_earlier_version_can_be_translated(proposal, translate, official):
    v1 = proposal.current_version
    proposal_version_publish(
        actor=official,
        proposal=proposal,
        data=f.SAMPLE_DRAFT_V2_MD.encode(),
        filename="v2.md",
        note="v2",
    )
    translate(proposal, version=v1)
    v1.refresh_from_db()
    proposal.refresh_from_db()
    assert v1.languages == ["sq", "sr-latn"]
    assert proposal.current_version.languages == ["sq"]  # a new version starts untranslated
    # Version 2 has point 1.3 that version 1 has not: the v1 translation does not fit it.
    with pytest.raises(ValidationError):
        translate(proposal)


def test_a_new_version_keeps_the_consultation_language(official, institution):
    from proposals.services import proposal_import

    consultation = f.ConsultationFactory(institution=institution, language="sr-latn")
    proposal = proposal_import(
        actor=official,
        consultation=consultation,
        data=SAMPLE_DRAFT_SR_MD.encode(),
        filename="sr.md",
    )
    assert proposal.current_version.language == "sr-latn"
    proposal_translation_import(
        actor=official,
        proposal=proposal,
        language="sq",
        data=f.SAMPLE_DRAFT_MD.encode(),
        filename="sq.md",
    )
    version = ProposalVersion.objects.get(pk=proposal.current_version_id)
    assert version.languages == ["sr-latn", "sq"]
    v2 = proposal_version_publish(
        actor=official,
        proposal=proposal,
        data=SAMPLE_DRAFT_SR_MD.replace("sva ministarstva", "sve opštine").encode(),
        filename="sr2.md",
        note="v2",
    )
    assert v2.language == "sr-latn"


# --- the alignment itself (no database) -------------------------------------------------------


def flat(text: str):
    from proposals.importer import parse_draft
    from proposals.matching import assign_keys

    return assign_keys(parse_draft(text.encode(), "x.md"))


def test_lettered_points_and_chapter_numbers_may_be_written_differently():
    original = flat(
        "KAPITULLI I\nHYRJE\n\nNeni 1\nQëllimi\n\n1. Institucioni publikon:\n"
        "a) planin;\nb) listën;\nc) raportet;\nç) vendimet.\n"
    )
    cyrillic = flat(
        "ПОГЛАВЉЕ 1\nУВОД\n\nЧлан 1\nСврха\n\n1. Институција објављује:\n"
        "а) план;\nб) списак;\nв) извештаје;\nг) одлуке.\n"
    )
    latin = flat(
        "POGLAVLJE I\nUVOD\n\nČlan 1\nSvrha\n\n1. Institucija objavljuje:\n"
        "a) plan;\nb) spisak;\nc) izveštaje;\nč) odluke.\n"
    )
    for translation in (cyrillic, latin):
        pairs = align(original, translation, version=1)
        assert [o.key for o, _t in pairs] == [s.key for s in original]
    assert pairs[-1][1].body == "odluke."


@pytest.mark.parametrize(
    ("kind", "a", "b", "same"),
    [
        ("chapter", "II", "2", True),
        ("article", "5a", "5а", True),  # Cyrillic а
        ("paragraph", "2", "3", False),
        ("point", "2.a", "2.в", True),
        ("point", "1.1", "1.2", False),
        ("point", "1.1", "1.1.1", False),
    ],
)
def test_same_number(kind, a, b, same):
    assert same_number(kind, a, b) is same


def test_a_paragraph_under_another_parent_is_a_difference():
    original = flat("Neni 1\nQëllimi\n\n1. Teksti.\n1.1. Pika.\n")
    moved = flat("Član 1\nSvrha\n\n1.1. Tačka.\n")
    with pytest.raises(StructureMismatch) as caught:
        align(original, moved, version=3)
    assert "Article 1" in caught.value.message and "version 3" in caught.value.message
