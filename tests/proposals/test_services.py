"""Draft documents: import (all or nothing), new versions with stable keys, permissions."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from proposals import services
from proposals.models import Proposal, ProposalVersion, Section, SectionText
from tests import factories as f

V1_KEYS = [
    "hyrja",
    "kapitulli-1",
    "neni-1",
    "neni-1-1",
    "neni-1-2",
    "neni-2",
    "neni-2-1",
    "neni-2-1-1",
    "neni-2-1-2",
    "kapitulli-2",
    "neni-3",
    "neni-3-1",
    "neni-3-2",
    "neni-4",
]


def row_counts() -> dict[str, int]:
    """Rows of every model of the proposals app, the historical ones included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("proposals").get_models()
    }


def current_keys(proposal) -> list[str]:
    return list(
        Section.objects.filter(proposal=proposal, is_current=True)
        .order_by("position")
        .values_list("key", flat=True)
    )


def publish_v2(actor, proposal, note="Ndryshime pas takimit me OShC-të"):
    return services.proposal_version_publish(
        actor=actor,
        proposal=proposal,
        data=f.SAMPLE_DRAFT_V2_MD.encode(),
        filename="draft-v2.md",
        note=note,
    )


# --- import ---------------------------------------------------------------------------------


def test_import_stores_the_sections_and_version_one(proposal, official, open_consultation):
    assert proposal.consultation == open_consultation
    assert proposal.title == "Strategjia për bashkëpunim me shoqërinë civile"
    assert proposal.slug == "strategjia-per-bashkepunim-me-shoqerine-civile"
    assert proposal.kind == Proposal.Kind.DRAFT_ACT

    version = proposal.current_version
    assert version.number == 1
    assert version.created_by == official
    assert version.source_name == "draft.md"
    assert version.note  # a default note
    assert list(proposal.versions.all()) == [version]

    assert current_keys(proposal) == V1_KEYS
    sections = {s.key: s for s in Section.objects.filter(proposal=proposal)}
    assert all(s.introduced_in == version for s in sections.values())
    article = sections["neni-2"]
    assert (article.kind, article.number, article.title) == ("article", "2", "Përkufizimet")
    assert article.parent == sections["kapitulli-1"]
    point = sections["neni-2-1-2"]
    assert point.kind == "point" and point.parent == sections["neni-2-1"]
    assert point.body.startswith("Konsultim publik")
    assert sections["neni-4"].body.startswith("Kjo strategji hyn në fuqi")

    # One immutable snapshot row per section, equal to the current text.
    texts = {t.section.key: t for t in SectionText.objects.filter(version=version)}
    assert set(texts) == set(V1_KEYS)
    assert texts["neni-2-1-2"].body == point.body
    assert texts["neni-2-1-2"].parent_key == "neni-2-1"

    # History records who imported it.
    assert proposal.history.earliest("history_date").history_user == official
    assert article.history.get().history_user == official


def test_second_import_gets_its_own_slug_and_position(proposal, official, open_consultation):
    again = services.proposal_import(
        actor=official,
        consultation=open_consultation,
        data=f.SAMPLE_DRAFT_MD.encode(),
        filename="kopje.md",
        title="Strategjia për bashkëpunim me shoqërinë civile",
        kind=Proposal.Kind.ALTERNATIVE,
    )
    assert again.slug == "strategjia-per-bashkepunim-me-shoqerine-civile-2"
    assert again.position == 1 and proposal.position == 0
    assert again.kind == Proposal.Kind.ALTERNATIVE
    # Keys are per draft: the same keys exist in both.
    assert current_keys(again) == V1_KEYS


def test_import_title_given_wins_over_the_heading(official, open_consultation, draft_md):
    p = services.proposal_import(
        actor=official,
        consultation=open_consultation,
        data=draft_md,
        filename="d.md",
        title="  Projektstrategjia  ",
    )
    assert p.title == "Projektstrategjia"


def test_import_slug_keeps_a_dash_between_years(official, open_consultation, draft_md):
    p = services.proposal_import(
        actor=official,
        consultation=open_consultation,
        data=draft_md,
        filename="d.md",
        title="Plani i veprimit 2026–2028",
    )
    assert p.slug == "plani-i-veprimit-2026-2028"


@pytest.mark.parametrize(
    ("data", "filename", "kwargs", "field"),
    [
        (b"", "bosh.md", {}, "file"),
        (b"Vetem tekst pa asnje nen.\n", "pa-nene.md", {}, "file"),
        (b"Neni 1\nA\n\nNeni 1\nB\n", "dy-here.md", {}, "file"),
        (b"\xff\xfeN\x00e\x00", "utf16.md", {}, "file"),
        (b"%PDF-1.7", "draft.pdf", {}, "file"),
        ("Neni 1\nQëllimi\n\n1. Tekst.\n".encode(), "pa-titull.md", {}, "title"),
        (f.SAMPLE_DRAFT_MD.encode(), "d.md", {"kind": "ligj"}, "kind"),
    ],
)
def test_failing_import_stores_nothing(official, open_consultation, data, filename, kwargs, field):
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.proposal_import(
            actor=official, consultation=open_consultation, data=data, filename=filename, **kwargs
        )
    assert field in exc.value.message_dict
    assert all(exc.value.message_dict[field])  # each a message for a person
    assert row_counts() == before


def test_import_failing_late_rolls_back_everything(
    official, open_consultation, draft_md, monkeypatch
):
    """A failure after the proposal and its sections were written leaves nothing either."""

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    before = row_counts()
    monkeypatch.setattr(SectionText.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        services.proposal_import(
            actor=official, consultation=open_consultation, data=draft_md, filename="d.md"
        )
    assert row_counts() == before


def test_import_refuses_a_file_over_the_size_limit(official, open_consultation, settings):
    settings.DRAFT_UPLOAD_MAX_BYTES = 100
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.proposal_import(
            actor=official,
            consultation=open_consultation,
            data=f.SAMPLE_DRAFT_MD.encode(),
            filename="d.md",
        )
    assert "file" in exc.value.message_dict
    assert row_counts() == before


# --- import permissions ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["citizen", "unverified", "other_official", "cso_rep", "moderator"])
def test_import_refused_for_people_who_are_not_officials(
    who, open_consultation, draft_md, citizen, unverified, other_institution
):
    actor = {
        "citizen": lambda: citizen,
        "unverified": lambda: unverified,
        "other_official": lambda: f.official_of(other_institution),
        "cso_rep": lambda: f.representative_of(f.OrganisationFactory()),
        "moderator": lambda: f.moderator(),
    }[who]()
    before = row_counts()
    with pytest.raises(PermissionDenied):
        services.proposal_import(
            actor=actor, consultation=open_consultation, data=draft_md, filename="d.md"
        )
    assert row_counts() == before


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        ("draft", True),
        ("scheduled", True),
        ("open", True),
        ("scheduled_due", True),
        ("closed", False),
        ("open_expired", False),
        ("report_published", False),
        ("withdrawn", False),
    ],
)
def test_import_allowed_only_until_the_round_closes(
    state, allowed, official, institution, draft_md
):
    consultation = f.consultation_in_state(state, institution=institution)
    if allowed:
        p = services.proposal_import(
            actor=official, consultation=consultation, data=draft_md, filename="d.md"
        )
        assert p.current_version.number == 1
    else:
        with pytest.raises(PermissionDenied):
            services.proposal_import(
                actor=official, consultation=consultation, data=draft_md, filename="d.md"
            )
        assert not Proposal.objects.exists()


def test_staff_can_import(staff, open_consultation, draft_md):
    p = services.proposal_import(
        actor=staff, consultation=open_consultation, data=draft_md, filename="d.md"
    )
    assert p.current_version.created_by == staff


# --- a second version -----------------------------------------------------------------------


def test_second_version_keeps_retires_and_adds_keys(proposal, institution):
    editor = f.official_of(institution)
    v1 = proposal.current_version
    before = {s.key: s for s in Section.objects.filter(proposal=proposal)}

    v2 = publish_v2(editor, proposal)
    proposal.refresh_from_db()

    assert v2.number == 2
    assert v2.note == "Ndryshime pas takimit me OShC-të"
    assert v2.created_by == editor
    assert v2.source_name == "draft-v2.md"
    assert proposal.current_version == v2

    after = {s.key: s for s in Section.objects.filter(proposal=proposal)}

    # Edited sections keep their key and their row; their current text is the new one.
    assert after["neni-1-2"].pk == before["neni-1-2"].pk
    assert after["neni-1-2"].body.endswith("ministritë dhe agjencitë e pavarura.")
    assert after["neni-1-2"].is_current
    assert after["neni-1-2"].introduced_in == v1
    # Unchanged ones too.
    for key in ("hyrja", "neni-1", "neni-2", "neni-2-1-1", "neni-4"):
        assert after[key].pk == before[key].pk and after[key].is_current

    # The removed article and its paragraphs are retired, their rows kept.
    for key in ("neni-3", "neni-3-1", "neni-3-2"):
        assert after[key].pk == before[key].pk
        assert not after[key].is_current
    assert after["neni-3"].title == "Financimi publik"

    # New sections get new keys, never a key that was used before.
    new_keys = set(after) - set(before)
    assert "neni-2-1-3" in new_keys
    assert not new_keys & set(V1_KEYS)
    new_article = next(s for s in after.values() if s.title == "Raportimi vjetor")
    assert new_article.key in new_keys
    assert new_article.number == "3" and new_article.is_current
    assert all(after[k].introduced_in == v2 for k in new_keys)
    assert len(new_keys) == 4  # point 1.3, the new article and its two paragraphs

    # Current text in order: the new article where the old one was.
    keys = current_keys(proposal)
    assert keys.index(new_article.key) == keys.index("kapitulli-2") + 1
    assert "neni-3" not in keys


def test_each_version_keeps_its_own_snapshot(proposal, official):
    v1 = proposal.current_version
    v2 = publish_v2(official, proposal)

    v1_texts = {t.section.key: t for t in SectionText.objects.filter(version=v1)}
    v2_texts = {t.section.key: t for t in SectionText.objects.filter(version=v2)}
    assert set(v1_texts) == set(V1_KEYS)  # untouched by the new version
    assert "neni-3" in v1_texts and "neni-3" not in v2_texts
    assert "neni-2-1-3" in v2_texts and "neni-2-1-3" not in v1_texts
    assert v1_texts["neni-1-2"].body.endswith("për të gjitha ministritë.")
    assert v2_texts["neni-1-2"].body.endswith("ministritë dhe agjencitë e pavarura.")
    assert v2_texts["neni-4"].body == v1_texts["neni-4"].body
    assert len(v2_texts) == SectionText.objects.filter(version=v2).count()
    assert set(v2_texts) == set(current_keys(proposal))


def test_version_history_records_the_acting_user(proposal, institution):
    editor = f.official_of(institution)
    publish_v2(editor, proposal)
    edited = Section.objects.get(proposal=proposal, key="neni-1-2")
    retired = Section.objects.get(proposal=proposal, key="neni-3")
    latest_edit = edited.history.latest("history_date")
    assert latest_edit.history_user == editor
    assert latest_edit.history_change_reason == "version 2"
    assert edited.history.count() == 2
    latest_retire = retired.history.latest("history_date")
    assert latest_retire.history_user == editor
    assert latest_retire.history_change_reason == "not in version 2"
    assert latest_retire.is_current is False
    # A section whose text and place did not change gets no new history record (neni-4 moved
    # down one place because point 1.3 was added before it, so it has one).
    assert Section.objects.get(proposal=proposal, key="neni-1").history.count() == 1
    assert Section.objects.get(proposal=proposal, key="neni-4").history.count() == 2
    assert proposal.history.latest("history_date").history_user == editor
    v2 = ProposalVersion.objects.get(proposal=proposal, number=2)
    assert v2.history.get().history_user == editor


def test_republishing_the_same_text_changes_no_section(proposal, official):
    before = row_counts()
    v2 = services.proposal_version_publish(
        actor=official,
        proposal=proposal,
        data=f.SAMPLE_DRAFT_MD.encode(),
        filename="same.md",
        note="Pa ndryshime",
    )
    assert v2.number == 2
    assert current_keys(proposal) == V1_KEYS
    after = row_counts()
    assert after["proposals.HistoricalSection"] == before["proposals.HistoricalSection"]
    assert after["proposals.SectionText"] == before["proposals.SectionText"] + len(V1_KEYS)


def test_an_article_restored_later_is_a_new_section(proposal, official):
    """Keys are matched against the version being replaced only; a retired key is never given
    again, so what was said about the retired article stays with it."""
    publish_v2(official, proposal)
    services.proposal_version_publish(
        actor=official,
        proposal=proposal,
        data=f.SAMPLE_DRAFT_MD.encode(),
        filename="v3.md",
        note="Kthehet neni për financimin",
    )
    financing = Section.objects.filter(proposal=proposal, title="Financimi publik")
    assert [(s.key, s.is_current) for s in financing.order_by("pk")] == [
        ("neni-3", False),
        (financing.order_by("pk").last().key, True),
    ]
    assert financing.order_by("pk").last().key.startswith("neni-3-r")


def test_failing_version_stores_nothing(proposal, official):
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.proposal_version_publish(
            actor=official,
            proposal=proposal,
            data=b"Neni 1\nA\n\nNeni 1\nB\n",
            filename="v2.md",
            note="Gabim",
        )
    assert "file" in exc.value.message_dict
    assert row_counts() == before
    proposal.refresh_from_db()
    assert proposal.current_version.number == 1


@pytest.mark.parametrize("note", ["", "   "])
def test_version_needs_a_note(proposal, official, note):
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        publish_v2(official, proposal, note=note)
    assert "note" in exc.value.message_dict
    assert row_counts() == before


# --- version permissions --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["citizen", "other_official", "cso_rep", "moderator"])
def test_version_refused_for_people_who_are_not_officials(
    who, proposal, citizen, other_institution
):
    actor = {
        "citizen": lambda: citizen,
        "other_official": lambda: f.official_of(other_institution),
        "cso_rep": lambda: f.representative_of(f.OrganisationFactory()),
        "moderator": lambda: f.moderator(),
    }[who]()
    before = row_counts()
    with pytest.raises(PermissionDenied):
        publish_v2(actor, proposal)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("status", "allowed"),
    [("closed", True), ("report_published", True), ("withdrawn", False)],
)
def test_version_after_the_round(proposal, official, status, allowed):
    """A revised text may be published after the round closes (the institution's answer to the
    consultation), not once it is withdrawn."""
    from consult.models import Consultation

    Consultation.objects.filter(pk=proposal.consultation_id).update(status=status)
    if allowed:
        assert publish_v2(official, proposal).number == 2
    else:
        with pytest.raises(PermissionDenied):
            publish_v2(official, proposal)
        assert proposal.versions.count() == 1


def test_version_allowed_when_closed_by_time_only(proposal, official):
    from django.utils import timezone

    from consult.models import Consultation

    Consultation.objects.filter(pk=proposal.consultation_id).update(closes_at=timezone.now())
    assert publish_v2(official, proposal).number == 2


def test_import_refused_but_version_allowed_after_close(proposal, official, draft_md):
    from consult.services import consultation_close

    consultation = consultation_close(actor=official, consultation=proposal.consultation)
    with pytest.raises(PermissionDenied):
        services.proposal_import(
            actor=official, consultation=consultation, data=draft_md, filename="d.md"
        )
    assert publish_v2(official, proposal).number == 2
