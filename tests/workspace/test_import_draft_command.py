"""``manage.py import_draft``."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from proposals.models import Proposal, ProposalVersion, Section
from tests import factories as f

from .test_uploads import REVISED_MD


@pytest.fixture(autouse=True)
def _english():
    """The messages are checked in English (the default language is Albanian)."""
    with translation.override("en"):
        yield


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_draft", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _counts():
    return Proposal.objects.count(), Section.objects.count(), ProposalVersion.objects.count()


def test_import_markdown_as_the_first_official(tmp_path, open_consultation, official, draft_md):
    path = tmp_path / "strategjia.md"
    path.write_bytes(draft_md)
    out, _err = _run(str(path), "--consultation", open_consultation.slug)
    proposal = Proposal.objects.get(consultation=open_consultation)
    assert proposal.title == "Strategjia për bashkëpunim me shoqërinë civile"
    assert proposal.current_version.created_by == official
    assert proposal.history.first().history_user == official
    assert proposal.slug in out


def test_import_docx_with_title_kind_and_actor(
    tmp_path, open_consultation, institution, docx_bytes
):
    second = f.official_of(institution, email="drita.berisha@example.org")
    path = tmp_path / "rregullore.docx"
    path.write_bytes(docx_bytes)
    _run(
        str(path),
        "--consultation",
        open_consultation.slug,
        "--title",
        "Rregullorja për shpenzimet",
        "--kind",
        "alternative",
        "--as",
        "Drita.Berisha@example.org",
    )
    proposal = Proposal.objects.get()
    assert proposal.title == "Rregullorja për shpenzimet"
    assert proposal.kind == Proposal.Kind.ALTERNATIVE
    assert proposal.current_version.created_by == second
    assert proposal.sections.filter(kind="article").count() == 3


def test_superuser_when_the_institution_has_no_official(db, tmp_path, draft_md):
    consultation = f.ConsultationFactory()
    root = f.UserFactory(is_staff=True, is_superuser=True)
    path = tmp_path / "strategjia.md"
    path.write_bytes(draft_md)
    _run(str(path), "--consultation", consultation.slug)
    assert Proposal.objects.get().current_version.created_by == root


def test_new_version(tmp_path, proposal, official):
    path = tmp_path / "strategjia-v2.md"
    path.write_text(REVISED_MD, encoding="utf-8")
    out, _err = _run(
        str(path),
        "--consultation",
        proposal.consultation.slug,
        "--new-version",
        proposal.slug,
        "--note",
        "Neni 3 u ndryshua.",
    )
    proposal.refresh_from_db()
    assert proposal.current_version.number == 2
    assert proposal.current_version.note == "Neni 3 u ndryshua."
    assert "2" in out


def test_bad_file_prints_every_error_and_stores_nothing(tmp_path, open_consultation, official):
    path = tmp_path / "ligji.md"
    path.write_text("# Ligji\n\nNeni 1\nA\n\n1. X.\n1. Y.\n\nNeni 1\nB\n", encoding="utf-8")
    before = _counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was stored"):
        call_command(
            "import_draft", str(path), "--consultation", open_consultation.slug, stderr=err
        )
    lines = [line for line in err.getvalue().splitlines() if line.strip()]
    assert len(lines) >= 2
    assert _counts() == before


@pytest.mark.parametrize(
    "name, content",
    [("ligji.docx", b"Neni 1\nnuk eshte word"), ("ligji.md", b""), ("ligji.md", b"Pa nene.")],
)
def test_unreadable_files_fail(tmp_path, open_consultation, official, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    before = _counts()
    with pytest.raises(CommandError):
        _run(str(path), "--consultation", open_consultation.slug)
    assert _counts() == before


def test_too_large_file_is_not_read(tmp_path, open_consultation, official, settings):
    settings.DRAFT_UPLOAD_MAX_BYTES = 1000
    path = tmp_path / "ligji.md"
    path.write_bytes(b"Neni 1\n" + b"x" * 2000)
    with pytest.raises(CommandError, match="larger than the limit"):
        _run(str(path), "--consultation", open_consultation.slug)
    assert not Proposal.objects.exists()


def test_citizen_as_actor_is_refused(tmp_path, open_consultation, official, citizen, draft_md):
    path = tmp_path / "strategjia.md"
    path.write_bytes(draft_md)
    with pytest.raises(CommandError, match=citizen.email):
        _run(str(path), "--consultation", open_consultation.slug, "--as", citizen.email)
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--consultation", "nuk-ekziston"], "nuk-ekziston"),
        (["--as", "askush@example.org"], "askush@example.org"),
        (["--new-version", "nuk-ekziston", "--note", "Ndryshim."], "nuk-ekziston"),
        (["--new-version", "x"], "--note"),
        (["--note", "Pa version."], "--new-version"),
    ],
)
def test_bad_arguments(tmp_path, open_consultation, official, draft_md, args, message):
    path = tmp_path / "strategjia.md"
    path.write_bytes(draft_md)
    if "--consultation" not in args:
        args = ["--consultation", open_consultation.slug, *args]
    with pytest.raises(CommandError, match=message):
        _run(str(path), *args)
    assert not Proposal.objects.exists()


def test_missing_file(tmp_path, open_consultation, official):
    with pytest.raises(CommandError, match="No file"):
        _run(str(tmp_path / "mungon.md"), "--consultation", open_consultation.slug)


def test_closed_consultation_refuses_new_documents(tmp_path, institution, official, draft_md):
    consultation = f.consultation_in_state("closed", institution=institution)
    path = tmp_path / "strategjia.md"
    path.write_bytes(draft_md)
    with pytest.raises(CommandError):
        _run(str(path), "--consultation", consultation.slug)
    assert not Proposal.objects.exists()
