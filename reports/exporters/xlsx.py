"""XLSX: the report as an Excel workbook, written by xlsxwriter in ``constant_memory`` mode
(each row goes to disk as soon as the next one starts: memory does not grow with the rows).

The Submissions sheet can have tens of thousands of rows, and xlsxwriter's cell-by-cell API
costs 5-20 µs a cell: 1,000-3,000 rows a second. So that sheet's *data rows* are written by
:class:`_RowStream` in the very form xlsxwriter's constant-memory mode writes them (inline
string cells ``t="inlineStr"``, which are never formulas; numbers; dates as serial numbers with
the workbook's date style), streamed into ``xl/worksheets/sheet1.xml`` in place of a marker
row when the workbook xlsxwriter made is copied into the final file. Everything else (the
header row, styles, column widths, frozen panes, filters, the other sheets) is xlsxwriter's.

Sheets (names in the export's language): Submissions (one row per submission, the columns of
the CSV), Position papers, Votes per article, Participants, Statistics. On every sheet the header
row is bold and frozen, columns have widths and long texts wrap, dates and times are real
date cells (in the platform's time zone), counts are numbers.

Texts are written with ``write_string`` only (never ``write``, which would turn ``=...`` into a
formula), or as inline strings by :class:`_RowStream`, and after ``neutralise``: a text a
spreadsheet could read as a formula keeps a leading apostrophe.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile

import xlsxwriter
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

from reports.selectors import SUBMISSION_ROW_FIELDS, submission_row_headers

from .csv import columns
from .neutralise import TRIGGERS, neutralise
from .source import RowMaker

DATE_FIELDS = {"submitted_at", "answered_at"}
NUMBER_FIELDS = {"pages"}
WIDE_FIELDS = {"text": 70, "proposed_wording": 50, "justification": 50, "points": 50}
WIDTHS = {
    "tracking_number": 17,
    "kind": 14,
    "submitted_at": 17,
    "answered_at": 17,
    "author": 28,
    "organisation": 28,
    "email": 28,
    "participant_type": 18,
    "location": 18,
    "proposal": 30,
    "article_key": 12,
    "article": 30,
    "section": 30,
    "stance": 12,
    "status": 18,
    "reply_to": 17,
    "title": 30,
    "pages": 8,
    "attachment_url": 30,
    "outcome": 16,
    "reflected_in": 24,
}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(label) -> str:
    return _BAD_SHEET_CHARS.sub(" ", str(label)).strip()[:31] or "Sheet"


class _Sheet:
    """A worksheet with a bold frozen header and typed cells."""

    def __init__(self, book: _Book, name, headers: list, widths: list[int], wrap: set[int] = ()):
        self.ws = book.wb.add_worksheet(sheet_name(name))
        self.book = book
        self.ws.freeze_panes(1, 0)
        for col, width in enumerate(widths):
            self.ws.set_column(col, col, width, book.wrap if col in wrap else None)
        for col, header in enumerate(headers):
            self.ws.write_string(0, col, neutralise(str(header)), book.bold)
        self.columns = len(headers)
        self.row = 0

    def add(self, values: list) -> None:
        """One row: ``str`` as text, ``int``/``float`` as numbers, datetimes and dates as
        dates, ``None`` empty."""
        self.row += 1
        r = self.row
        ws = self.ws
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                ws.write_string(r, col, ("'" + value) if value[0] in TRIGGERS else value)
            elif isinstance(value, bool):
                ws.write_boolean(r, col, value)
            elif isinstance(value, int | float):
                ws.write_number(r, col, value)
            elif hasattr(value, "hour"):
                ws.write_datetime(r, col, self.book.naive(value), self.book.datetime)
            elif hasattr(value, "year"):
                ws.write_datetime(r, col, value, self.book.date)
            else:
                ws.write_string(r, col, neutralise(str(value)))

    def finish(self) -> None:
        if self.columns:
            self.ws.autofilter(0, 0, max(self.row, 1), self.columns - 1)


class _Book:
    def __init__(self, out):
        self.wb = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "remove_timezone": True,
            },
        )
        self.bold = self.wb.add_format({"bold": True, "bg_color": "#E8EEF4", "text_wrap": True})
        self.wrap = self.wb.add_format({"text_wrap": True, "valign": "top"})
        self.datetime = self.wb.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"})
        self.date = self.wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
        self.rows = RowMaker()

    def naive(self, value):
        if getattr(value, "tzinfo", None) is not None:
            return self.rows.local_naive(value)
        return value


MARKER = "KONSULTA-SUBMISSION-ROWS-GO-HERE"
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]|_x[0-9a-fA-F]{4}_")
_escape_control = XMLwriter._escape_control_characters


def _text(value: str) -> str:
    """An inline string's XML text: neutralised, at most 32,767 characters, escaped (control
    characters as Excel's ``_xHHHH_``, like xlsxwriter)."""
    if value[0] in TRIGGERS:
        value = "'" + value
    if len(value) > 32767:
        value = value[:32767]
    if _NEEDS_ESCAPE.search(value):
        value = _escape_control(value)
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


class _RowStream:
    """The data rows of the Submissions sheet as worksheet XML."""

    CACHE_MAX = 20000  # short texts that repeat (labels, names, articles), escaped once

    def __init__(self, fields: list[str], wrap_xf: int, datetime_xf: int):
        self.fields = fields
        self.letters = [xl_col_to_name(i) for i in range(len(fields))]
        self.rows = RowMaker()
        self.cache: dict[str, str] = {}
        # Per column: (kind, index in the row values, '<c r="X', '" ...attributes...>')
        self.columns = []
        for col, name in enumerate(fields):
            letter = self.letters[col]
            if name in DATE_FIELDS:
                kind, tail = name, f'" s="{datetime_xf}"><v>'
            elif name in NUMBER_FIELDS:
                kind, tail = "number", '"><v>'
            else:
                wraps = name in WIDE_FIELDS or name in ("article", "section")
                style = f' s="{wrap_xf}"' if wraps else ""
                kind, tail = "text", f'"{style} t="inlineStr"><is><t xml:space="preserve">'
            self.columns.append((kind, SUBMISSION_ROW_FIELDS.index(name), f'<c r="{letter}', tail))
        self.row_head = f'" spans="1:{len(fields)}">'

    def text(self, value: str) -> str:
        cached = self.cache.get(value)
        if cached is None:
            cached = _text(value)
            if len(value) < 100 and len(self.cache) < self.CACHE_MAX:
                self.cache[value] = cached
        return cached

    def row(self, number: int, entry) -> str:
        values = self.rows.values(entry)
        n = str(number)
        out = ['<row r="', n, self.row_head]
        append = out.append
        for kind, index, head, tail in self.columns:
            if kind == "text":
                value = values[index]
                if value:
                    append(head + n + tail + self.text(value) + "</t></is></c>")
            elif kind == "number":
                if entry.pages:
                    append(f"{head}{n}{tail}{int(entry.pages)}</v></c>")
            else:
                if kind == "submitted_at":
                    when = entry.submitted_at
                else:
                    when = entry.answer.answered_at if entry.answer else None
                if when is not None:
                    serial = (self.rows.local_naive(when) - EXCEL_EPOCH).total_seconds() / 86400
                    append(f"{head}{n}{tail}{serial!r}</v></c>")
        append("</row>")
        return "".join(out)


def write(source, out, *, progress=None) -> None:
    summary = source.summary()
    if progress is not None:
        progress.report(5)
    private = source.include_private
    fields = columns(private)
    with tempfile.TemporaryFile() as skeleton:
        book = _Book(skeleton)
        book.wb.set_properties(
            {
                "title": summary.consultation.title,
                "subject": _("Consultation report"),
                "company": summary.consultation.institution,
                "comments": summary.consultation.url,
            }
        )
        headers = submission_row_headers()
        subs = _Sheet(
            book,
            _("Submissions"),
            [headers[f] for f in fields],
            [WIDE_FIELDS.get(f) or WIDTHS.get(f, 16) for f in fields],
            {i for i, f in enumerate(fields) if f in WIDE_FIELDS or f in ("article", "section")},
        )
        # The marker row: replaced by the streamed rows; its two cells register the styles.
        subs.ws.write_string(1, 0, MARKER, book.wrap)
        subs.ws.write_datetime(1, 1, dt.datetime(2000, 1, 1), book.datetime)
        subs.row = 1
        subs.finish()
        _papers_sheet(book, source)
        _votes_sheet(book, summary)
        _participants_sheet(book, summary)
        _statistics_sheet(book, source, summary)
        book.wb.close()
        stream = _RowStream(fields, book.wrap.xf_index, book.datetime.xf_index)
        skeleton.seek(0)
        _assemble(skeleton, out, source, stream, progress)


def _assemble(skeleton, out, source, stream: _RowStream, progress) -> None:
    """Copy the workbook into ``out`` with the submission rows in place of the marker row:
    the sheet first (streamed), then the other parts (the workbook's filter range needs the
    number of rows)."""
    last_col = stream.letters[-1]
    sheet = "xl/worksheets/sheet1.xml"
    with (
        zipfile.ZipFile(skeleton) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as dst,
    ):
        xml = src.read(sheet).decode("utf-8")
        start = xml.index('<row r="2"')
        end = xml.index("</row>", start) + len("</row>")
        # The dimension comes before the rows: from the count (a hint for Excel if a
        # submission arrives meanwhile).
        head = re.sub(
            r'<dimension ref="[^"]*"/>',
            f'<dimension ref="A1:{last_col}{source.count() + 1}"/>',
            xml[:start],
            count=1,
        )
        info = zipfile.ZipInfo(sheet, date_time=src.getinfo(sheet).date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        rows = 0
        with dst.open(info, "w", force_zip64=True) as fh:
            fh.write(head.encode("utf-8"))
            buffer = []
            for entry in source.entries():
                rows += 1
                buffer.append(stream.row(rows + 1, entry))
                if len(buffer) == 500:
                    fh.write("".join(buffer).encode("utf-8"))
                    buffer = []
                    if progress is not None:
                        progress.tick(500)
            fh.write("".join(buffer).encode("utf-8"))
            if progress is not None and rows % 500:
                progress.tick(rows % 500)
            tail = re.sub(
                r'<autoFilter ref="A1:[A-Z]+[0-9]+"',
                f'<autoFilter ref="A1:{last_col}{rows + 1}"',
                xml[end:],
                count=1,
            )
            fh.write(tail.encode("utf-8"))
        for item in src.infolist():
            if item.filename == sheet:
                continue
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                # The hidden name of the Submissions filter covers the real rows.
                data = re.sub(
                    rb'(localSheetId="0" hidden="1">[^<]*\$)2(</definedName>)',
                    rb"\g<1>" + str(rows + 1).encode() + rb"\2",
                    data,
                    count=1,
                )
            dst.writestr(item, data)


def _papers_sheet(book: _Book, source) -> None:
    private = source.include_private
    paper_fields = [
        ("tracking_number", _("Tracking number"), 17),
        ("submitted_at", _("Submitted"), 17),
        ("organisation", _("Organisation"), 30),
        *([("author", _("Submitted by"), 30), ("email", _("Email"), 28)] if private else []),
        ("title", _("Title"), 36),
        ("summary", _("Summary"), 70),
        ("pages", _("Pages"), 8),
        ("points", _("Points by article"), 60),
        ("status", _("Status"), 18),
        ("outcome", _("Outcome"), 16),
        ("justification", _("Justification"), 50),
        ("answered_at", _("Answered"), 17),
        ("attachment_url", _("Document"), 30),
    ]
    keys = [key for key, _label, _w in paper_fields]
    sheet = _Sheet(
        book,
        _("Position papers"),
        [label for _key, label, _w in paper_fields],
        [w for _key, _label, w in paper_fields],
        {keys.index(k) for k in ("summary", "points", "justification")},
    )
    make_row = book.rows
    for entry in source.paper_entries():
        row = make_row(entry)
        row["submitted_at"] = entry.submitted_at
        row["answered_at"] = entry.answer.answered_at if entry.answer else None
        row["pages"] = entry.pages or None
        row["summary"] = entry.summary or entry.status_note
        sheet.add([row[key] for key in keys])
    sheet.finish()


def _votes_sheet(book: _Book, report) -> None:
    cols = [
        (_("Draft document"), 30),
        (_("Article key"), 12),
        (_("Article"), 40),
        (_("In the current version"), 12),
        (_("Votes in favour"), 10),
        (_("Votes against"), 10),
        (_("Abstentions"), 10),
        (_("Votes"), 10),
        (_("Submissions"), 12),
        (_("Comments"), 10),
        (_("Position paper points"), 12),
        (_("Comments in favour"), 10),
        (_("Comments against"), 10),
        (_("Neutral comments"), 10),
    ]
    sheet = _Sheet(
        book, _("Votes per article"), [c for c, _w in cols], [w for _c, w in cols], {0, 2}
    )
    yes, no = _("Yes"), _("No")
    stats = report.statistics
    for row in [*stats.whole_draft, *stats.per_article]:
        sheet.add(
            [
                row.proposal_title,
                row.key,
                row.label,
                yes if row.is_current else no,
                row.votes_for,
                row.votes_against,
                row.votes_abstain,
                row.votes_for + row.votes_against + row.votes_abstain,
                row.submissions,
                row.comments,
                row.paper_points,
                row.stance_for,
                row.stance_against,
                row.stance_neutral,
            ]
        )
    sheet.finish()


def _participants_sheet(book: _Book, report) -> None:
    sheet = _Sheet(
        book,
        _("Participants"),
        [_("Grouping"), _("Value"), _("Participants")],
        [26, 40, 14],
    )
    part = report.participation
    sheet.add([_("All participants"), "", part.total])
    for row in part.by_type:
        sheet.add([_("Participant type"), row.label, row.count])
    sheet.add([_("Location"), _("In Kosovo"), part.in_kosovo])
    sheet.add([_("Location"), _("Abroad"), part.abroad])
    sheet.add([_("Location"), _("Not given"), part.location_not_given])
    for row in part.by_municipality:
        sheet.add([_("Municipality"), row.label, row.count])
    for row in part.by_country:
        sheet.add([_("Country"), row.label, row.count])
    sheet.finish()


def _statistics_sheet(book: _Book, source, report) -> None:
    sheet = _Sheet(book, _("Statistics"), [_("Figure"), _("Value"), "", ""], [44, 40, 16, 16])
    c = report.consultation
    version = source.version
    stats = report.statistics
    sheet.add([_("Consultation"), c.title])
    sheet.add([_("Institution"), c.institution])
    sheet.add(
        [
            _("Report version"),
            version.number if version is not None else _("Draft (not published)"),
        ]
    )
    if version is not None:
        sheet.add([_("Published"), version.published_at])
    sheet.add([_("Report data as of"), report.generated_at])
    sheet.add([_("Opens"), report.period.opens_at])
    sheet.add([_("Closes"), report.period.closes_at])
    sheet.add([_("Working days"), report.period.working_days])
    sheet.add([_("Participants"), report.participation.total])
    for label, value in (
        (_("Submissions (not withdrawn)"), stats.submissions),
        (_("Comments"), stats.comments),
        (_("of which replies"), stats.replies),
        (_("Position papers"), stats.papers),
        (_("Hidden by moderation"), stats.hidden),
        (_("Withdrawn by their authors"), stats.withdrawn),
        (_("Answered"), stats.answered),
        (_("Answered (%)"), stats.answered_percent),
        (_("Accepted or partially accepted (% of answered)"), stats.accepted_percent),
        (_("Votes"), stats.votes_total),
    ):
        sheet.add([label, value])
    for row in stats.outcomes:
        sheet.add([_("Answers: %(outcome)s") % {"outcome": row.label}, row.count])
    for row in stats.stances:
        sheet.add([_("Comments: %(stance)s") % {"stance": row.label}, row.count])
    sheet.add([])
    sheet.add([_("Date"), _("Comments"), _("Position papers"), _("Total")])
    for day in stats.per_day:
        sheet.add([day.day, day.comments, day.papers, day.comments + day.papers])
