"""The report exports (``reports.exporters``): each format opened with its usual reader and
checked against the database; formula neutralisation; scripts that are not Latin; the empty
consultation; the management command; the live source against the selectors it stands for."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile

import docx
import jsonschema
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from pypdf import PdfReader

from comments.models import Comment, OfficialResponse, Participant, PositionPaper
from comments.services import next_tracking_number
from consult.models import Consultation
from proposals.models import Section
from reports import selectors, services
from reports.exporters import FORMATS, ExportError, ExportSpec, export
from reports.exporters.csv import columns
from reports.exporters.json import SCHEMA_PATH
from reports.exporters.neutralise import TRIGGERS, neutralise, xml_safe
from reports.exporters.pdf import LocalFetcher
from reports.exporters.source import ExportSource, RowMaker, build_summary, iter_entries
from tests import factories as f
from tests.reports.conftest import add_comments, build_round

pytestmark = pytest.mark.django_db

CYRILLIC = "Члан 5 — ћ ђ џ"
RTL = "مرحبا بالعالم שלום עולם"
EMOJI = "🇽🇰🙂"
# (what a person wrote, where) -> the neutralised cell
PAYLOADS = {
    "body": '=HYPERLINK("http://evil.example","kliko")',
    "wording": "-2+3",
    "org": "@SUM(A1:A9) Shoqata",
    "name": "+381 44 123 456",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
    "justification": "=cmd|' /C calc'!A0",
}


def _add_comment(consultation, proposal, *, user, body, key="neni-2", **kwargs):
    participant, _created = Participant.objects.get_or_create(
        consultation=consultation,
        user=user,
        defaults={"number": Participant.objects.filter(consultation=consultation).count() + 1},
    )
    section = Section.objects.get(proposal=proposal, key=key) if key else None
    kwargs.setdefault("consent", "name")
    kwargs.setdefault("participant_type", "citizen")
    kwargs.setdefault("stance", "against")
    return Comment.objects.create(
        consultation=consultation,
        proposal=proposal,
        section=section,
        author=user,
        participant=participant,
        body=body,
        tracking_number=next_tracking_number(),
        **kwargs,
    )


@pytest.fixture
def published(institution, official):
    """A whole round (tests/reports/conftest.py) plus comments carrying formula payloads,
    Serbian Cyrillic, right-to-left text and emoji, then published (version 1)."""
    r = build_round(institution, official)
    c, p = r.consultation, r.proposal
    evil_org = f.OrganisationFactory(name=PAYLOADS["org"])
    member = f.member_of(evil_org, display_name="Anëtar i organizatës")
    _add_comment(
        c,
        p,
        user=f.UserFactory(display_name=PAYLOADS["name"]),
        body=PAYLOADS["body"],
        proposed_wording=PAYLOADS["wording"],
    )
    _add_comment(
        c, p, user=member, body="Nga organizata", consent="organisation", organisation=evil_org
    )
    _add_comment(c, p, user=f.UserFactory(), body=PAYLOADS["tab"], key=None)
    _add_comment(c, p, user=f.UserFactory(), body=PAYLOADS["cr"], key="neni-4")
    scripts = _add_comment(
        c, p, user=f.UserFactory(display_name="Јелена Петровић"), body=f"{CYRILLIC}\n{RTL} {EMOJI}"
    )
    OfficialResponse.objects.create(
        comment=scripts,
        consultation=c,
        outcome="rejected",
        justification=PAYLOADS["justification"],
        responded_by=official,
    )
    services.report_publish(actor=official, consultation=c)
    r.consultation = Consultation.objects.get(pk=c.pk)
    r.scripts_comment = scripts
    return r


def db_count(consultation) -> int:
    return (
        Comment.objects.filter(consultation=consultation).count()
        + PositionPaper.objects.filter(consultation=consultation).count()
    )


def run(consultation, fmt, *, lang="en", **kwargs) -> tuple[bytes, dict]:
    out = io.BytesIO()
    facts = export(
        ExportSpec(consultation_id=consultation.pk, format=fmt, language=lang, **kwargs), out
    )
    return out.getvalue(), facts


def assert_neutralised(cells) -> set[str]:
    """Every text cell is safe; returns the neutralised ones."""
    seen = set()
    for cell in cells:
        if isinstance(cell, str) and cell:
            assert cell[0] not in TRIGGERS, repr(cell)
            if cell.startswith("'"):
                seen.add(cell)
    return seen


def expected_neutralised() -> set[str]:
    return {
        "'" + PAYLOADS["body"],
        "'" + PAYLOADS["wording"],
        "'" + PAYLOADS["org"],
        "'" + PAYLOADS["name"],
        "'" + PAYLOADS["justification"],
    }


# --- the neutraliser ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        ("a=1", "a=1"),
        ("", ""),
        (" =1", " =1"),
        (5, 5),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_xml_safe_keeps_scripts_and_drops_forbidden_controls():
    assert xml_safe(f"a\x00b\x0bc\td\ne {CYRILLIC} {RTL} {EMOJI}") == (
        f"abc\td\ne {CYRILLIC} {RTL} {EMOJI}"
    )


# --- CSV ------------------------------------------------------------------------------------


def test_csv(published):
    data, facts = run(published.consultation, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    with translation.override("en"):
        titles = selectors.submission_row_headers()
    assert header == [titles[k] for k in columns(False)]
    assert "Tracking number" in header and "Email" not in header
    assert len(body) == db_count(published.consultation) == facts["submissions"]
    numbers = {row[0] for row in body}
    assert published.comment_named.tracking_number in numbers
    assert published.paper.tracking_number in numbers
    assert assert_neutralised(cell for row in body for cell in row) >= expected_neutralised()
    cells = [cell for row in body for cell in row]
    assert "'" + PAYLOADS["tab"] in cells and "'" + PAYLOADS["cr"] in cells
    assert any(CYRILLIC in cell and RTL in cell and EMOJI in cell for cell in cells)
    assert facts["filename"] == f"{published.consultation.slug}-report-v1-en.csv"


def test_csv_rows_are_the_selectors_rows_neutralised(published):
    """The CSV says what ``iter_submission_rows`` says (only neutralised)."""
    data, _facts = run(published.consultation, "csv", draft=True, private=True)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    with translation.override("en"):
        titles = selectors.submission_row_headers()
        expected = list(
            selectors.iter_submission_rows(published.consultation, include_private=True)
        )
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        assert {k: got[titles[k]] for k in want} == {k: neutralise(v) for k, v in want.items()}


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx(published):
    data, _facts = run(published.consultation, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "Submissions",
        "Position papers",
        "Votes per article",
        "Participants",
        "Statistics",
    ]
    subs = book["Submissions"]
    assert subs.max_row == db_count(published.consultation) + 1
    assert subs.freeze_panes == "A2"
    assert all(cell.font.bold for cell in subs[1])
    header = [cell.value for cell in subs[1]]
    submitted = header.index("Submitted")
    assert all(
        isinstance(row[submitted], dt.datetime) for row in subs.iter_rows(2, values_only=True)
    )
    values = [cell for row in subs.iter_rows(values_only=True) for cell in row]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert assert_neutralised(values) >= expected_neutralised()
    assert any(isinstance(v, str) and CYRILLIC in v and EMOJI in v for v in values)
    papers = book["Position papers"]
    assert papers.max_row == 1 + 1
    assert papers.cell(2, 1).value == published.paper.tracking_number
    votes = list(book["Votes per article"].iter_rows(2, values_only=True))
    neni_3 = next(row for row in votes if row[1] == "neni-3")
    assert neni_3[5] == 2  # two votes against Article 3
    stats = {row[0]: row[1] for row in book["Statistics"].iter_rows(2, values_only=True)}
    assert stats["Position papers"] == 1


# --- JSON -----------------------------------------------------------------------------------


def schema():
    return json.loads(SCHEMA_PATH.read_text())


def test_json_validates_against_the_schema_and_matches_the_database(published):
    data, _facts = run(published.consultation, "json")
    doc = json.loads(data)
    jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker()).validate(
        doc
    )
    c = published.consultation
    assert doc["submission_count"] == len(doc["submissions"]) == db_count(c)
    assert doc["report"] == {**doc["report"], "status": "published", "version": 1}
    assert doc["consultation"]["slug"] == c.slug
    papers = [s for s in doc["submissions"] if s["type"] == "position_paper"]
    assert [p["tracking_number"] for p in papers] == [published.paper.tracking_number]
    assert {p["key"] for p in papers[0]["position_paper"]["points"]} == {"neni-1", "neni-3"}
    named = next(
        s
        for s in doc["submissions"]
        if s["tracking_number"] == published.comment_named.tracking_number
    )
    assert (named["stance"], named["section_key"], named["answer"]["outcome"]) == (
        "for",
        "neni-1",
        "accepted",
    )
    assert named["answer"]["reflected_in_key"] == "neni-1"
    hidden = next(
        s
        for s in doc["submissions"]
        if s["tracking_number"] == published.comment_moderated.tracking_number
    )
    assert hidden["status"] == "hidden" and hidden["text"] == ""
    assert "private" not in named
    assert doc["statistics"]["position_papers"] == 1
    assert any(CYRILLIC in s["text"] and EMOJI in s["text"] for s in doc["submissions"])


def test_json_field_names_do_not_depend_on_the_language(published):
    def keys(value, prefix=""):
        if isinstance(value, dict):
            out = set()
            for k, v in value.items():
                out |= {prefix + k} | keys(v, prefix + k + ".")
            return out
        if isinstance(value, list):
            return set().union(*(keys(v, prefix) for v in value)) if value else set()
        return set()

    docs = {
        lang: json.loads(run(published.consultation, "json", lang=lang)[0])
        for lang in ("sq", "sr-latn", "en")
    }
    assert keys(docs["sq"]) == keys(docs["sr-latn"]) == keys(docs["en"])
    assert docs["sq"]["language"] == "sq"
    labels = {lang: docs[lang]["statistics"]["stances"][0]["label"] for lang in docs}
    assert {docs[lang]["statistics"]["stances"][0]["key"] for lang in docs} == {"for"}
    assert labels["en"] == "In favour"


def test_private_json_carries_identities_and_validates(published):
    data, facts = run(published.consultation, "json", draft=True, private=True)
    doc = json.loads(data)
    jsonschema.Draft202012Validator(schema()).validate(doc)
    assert doc["variant"] == "private" and doc["report"]["status"] == "draft"
    hidden = next(
        s
        for s in doc["submissions"]
        if s["tracking_number"] == published.comment_hidden_consent.tracking_number
    )
    assert hidden["private"]["email"] == published.hidden.email
    assert facts["filename"] == f"{published.consultation.slug}-report-v2-draft-private-en.json"


# --- DOCX -----------------------------------------------------------------------------------


def test_docx(published):
    data, _facts = run(published.consultation, "docx")
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert {"Summary", "Participants", "Statistics", "Submissions and answers"} <= set(headings)
    assert "Position papers" in headings
    assert any(p.style.name == "Heading 2" for p in document.paragraphs)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Submission")
    assert len(table.rows) == db_count(published.consultation) + 1
    text = "\n".join(cell.text for row in table.rows for cell in row.cells)
    assert published.comment_named.tracking_number in text
    assert published.paper.tracking_number in text
    assert CYRILLIC in text and RTL in text and EMOJI in text
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert b"updateFields" in z.read("word/settings.xml")
        assert b"TOC \\o" in z.read("word/document.xml")


# --- PDF ------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    """The reader and the text. pypdf reads a font that has a glyph missing (an emoji) as
    one byte per code: the NULs of the two-byte codes are dropped."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return reader, text.replace("\x00", "")


def test_pdf(round_):
    c = round_.consultation
    _add_comment(c, round_.proposal, user=f.UserFactory(display_name="Јелена"), body=CYRILLIC)
    add_comments(c, round_.proposal, 40, answered_by=round_.official)
    data, _facts = run(c, "pdf", lang="sq", draft=True)
    assert data.startswith(b"%PDF-")
    reader, text = pdf_text(data)
    assert len(reader.pages) > 1
    assert c.title in text.replace("\n", " ")
    assert round_.comment_named.tracking_number in text
    assert "ë" in text and "ç" in text and "ћ ђ џ" in text
    assert "Përmbajtja" in text  # the table of contents ("Contents")
    assert reader.outline, "headings become PDF bookmarks"
    fonts = {
        str(font.get_object().get("/BaseFont", ""))
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("DejaVu-Sans" in name for name in fonts), fonts


def test_pdf_with_right_to_left_text_and_emoji_renders(published):
    """DejaVu Sans has Arabic and Hebrew letters but no emoji: an emoji is drawn as an empty
    box, the rest of the text is unaffected. (pypdf cannot read back the text of a font with
    such a box, so this test checks the file, not its words.)"""
    data, _facts = run(published.consultation, "pdf", draft=True, private=True)
    reader, text = pdf_text(data)
    assert len(reader.pages) > 1
    assert published.comment_named.tracking_number in text


def test_pdf_of_a_published_version_is_its_frozen_text(published):
    version = published.consultation.report_versions.get(number=1, language="en")
    data, facts = run(published.consultation, "pdf")
    _reader, text = pdf_text(data)
    assert "Version 1, published on" in text
    assert facts["filename"].endswith("-report-v1-en.pdf")
    assert version.html


def test_pdf_fetcher_refuses_the_network_and_other_files(tmp_path):
    fetcher = LocalFetcher([tmp_path])
    allowed = tmp_path / "a.css"
    allowed.write_text("p{}")
    assert fetcher.fetch(allowed.as_uri()).read() == b"p{}"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    for url in (
        "http://127.0.0.1:1/x.css",
        "https://example.org/x.png",
        "file:///etc/passwd",
        "ftp://x/y",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


# --- every format: empty consultations, scripts, sources -------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_consultation_without_submissions_exports_in_every_format(institution, official, fmt):
    consultation = f.consultation_in_state("closed", institution=institution)
    services.report_publish(actor=official, consultation=consultation)
    data, facts = run(consultation, fmt)
    assert facts["submissions"] == 0 and data
    if fmt == "csv":
        assert len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) == 1
    elif fmt == "json":
        doc = json.loads(data)
        jsonschema.Draft202012Validator(schema()).validate(doc)
        assert doc["submissions"] == [] and doc["submission_count"] == 0
    elif fmt == "xlsx":
        assert openpyxl.load_workbook(io.BytesIO(data))["Submissions"].max_row == 1
    elif fmt == "docx":
        assert "No submissions were received." in "\n".join(
            p.text for p in docx.Document(io.BytesIO(data)).paragraphs
        )
    else:
        assert PdfReader(io.BytesIO(data)).pages


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("lang", ["sq", "sr-latn", "en"])
def test_every_format_in_every_language_with_any_script(published, fmt, lang):
    data, facts = run(published.consultation, fmt, lang=lang, draft=True, private=True)
    assert data and facts["submissions"] == db_count(published.consultation)
    assert facts["filename"].endswith(f"-{lang}.{fmt}")


def test_unpublished_report_is_an_export_error(round_):
    with pytest.raises(ExportError):
        run(round_.consultation, "csv")
    assert run(round_.consultation, "csv", draft=True)[0]


def test_a_published_version_exports_its_snapshot_not_what_came_later(published, official):
    late = _add_comment(
        published.consultation,
        published.proposal,
        user=f.UserFactory(),
        body="Ardhur pas publikimit",
        key="neni-1",
    )
    public = json.loads(run(published.consultation, "json")[0])
    live = json.loads(run(published.consultation, "json", draft=True)[0])
    assert late.tracking_number not in {s["tracking_number"] for s in public["submissions"]}
    assert late.tracking_number in {s["tracking_number"] for s in live["submissions"]}
    assert len(live["submissions"]) == len(public["submissions"]) + 1


# --- the live source stands for the selectors -----------------------------------------------


@pytest.mark.parametrize("private", [False, True])
@pytest.mark.parametrize("lang", ["sq", "en"])
def test_live_source_matches_the_selectors(published, private, lang):
    c = published.consultation
    with translation.override(lang):
        report = selectors.build_report(c, include_private=private)
        entries = list(iter_entries(c, include_private=private))
        summary = build_summary(c, include_private=private)
        make_row = RowMaker()
        assert entries == report.submissions
        assert [make_row(e) for e in entries] == [selectors.entry_to_row(e) for e in entries]
        assert list(ExportSource(c, include_private=private).rows()) == list(
            selectors.iter_submission_rows(c, include_private=private)
        )
    for name in ("consultation", "proposals", "period", "methods", "participation", "statistics"):
        assert getattr(summary, name) == getattr(report, name), name
    assert summary.summary == report.summary
    assert summary.submissions == []


def test_snapshot_source_rows_match_the_published_snapshot(published):
    version = published.consultation.report_versions.get(number=1, language="sq")
    source = ExportSource(published.consultation, version=version)
    snapshot = selectors.report_from_dict(version.snapshot)
    with translation.override("sq"):
        assert list(source.rows()) == [selectors.entry_to_row(e) for e in snapshot.submissions]
    assert source.count() == len(snapshot.submissions)
    assert [e.tracking_number for e in source.paper_entries()] == [published.paper.tracking_number]


# --- the management command -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_report_command_writes_each_format(published, tmp_path, fmt, capsys):
    target = tmp_path / "out" / f"report.{fmt}"
    call_command(
        "export_report",
        published.consultation.slug,
        "--format",
        fmt,
        "--output",
        str(target),
        "--lang",
        "en",
    )
    data = target.read_bytes()
    assert data
    out = capsys.readouterr().out
    assert f"{db_count(published.consultation)} submissions" in out
    assert f"{published.consultation.slug}-report-v1-en.{fmt}" in out


def test_export_report_command_private_draft_and_errors(published, round_, tmp_path):
    target = tmp_path / "private.csv"
    call_command(
        "export_report",
        published.consultation.slug,
        "--format=csv",
        f"--output={target}",
        "--private",
    )
    assert published.hidden.email in target.read_text(encoding="utf-8-sig")
    with pytest.raises(CommandError):
        call_command("export_report", "no-such-slug", "--format=csv", f"--output={target}")
    with pytest.raises(CommandError), translation.override("en"):
        call_command(
            "export_report", round_.consultation.slug, "--format=csv", f"--output={target}"
        )
    with pytest.raises(CommandError):
        call_command(
            "export_report",
            published.consultation.slug,
            "--format=csv",
            "--report-version=7",
            f"--output={target}",
        )


def test_progress_is_reported(published):
    seen = []
    export(
        ExportSpec(consultation_id=published.consultation.pk, format="xlsx", language="en"),
        io.BytesIO(),
        progress=lambda pct, msg: seen.append((pct, msg)),
    )
    assert seen[0][0] <= 5 and seen[-1] == (100, "Done")
    assert [p for p, _m in seen] == sorted(p for p, _m in seen)


def test_times_are_local(published):
    data, _facts = run(published.consultation, "json")
    doc = json.loads(data)
    stamp = dt.datetime.fromisoformat(doc["submissions"][0]["submitted_at"])
    assert stamp.tzinfo is not None
    assert abs(stamp - timezone.now()) < dt.timedelta(days=1)


def test_a_large_pdf_is_laid_out_in_parts_with_continuous_page_numbers(round_, monkeypatch):
    from reports.exporters import pdf

    monkeypatch.setattr(pdf, "CHUNK", 4)
    c = round_.consultation
    add_comments(c, round_.proposal, 14, answered_by=round_.official)
    data, _facts = run(c, "pdf", lang="en", draft=True)
    reader, text = pdf_text(data)
    pages = [page.extract_text() for page in reader.pages]
    # each page ends with its number, counted across the parts
    assert [p.strip().split()[-1] for p in pages] == [str(i + 1) for i in range(len(pages))]
    numbers = Comment.objects.filter(consultation=c).values_list("tracking_number", flat=True)
    assert all(n in text for n in numbers)
    assert round_.paper.tracking_number in text
    # the table of contents gives the page where the comments start, printed in a later part
    start = next(i for i, p in enumerate(pages) if "Comments and answers" in p and i > 1) + 1
    toc = next(p for p in pages if "Contents" in p)
    assert re.search(rf"Comments and answers\W*{start}\b", toc), toc
    assert len(reader.outline) >= 6
