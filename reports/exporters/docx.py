"""DOCX: the report as a Word document people can edit.

Built with python-docx: the title, a table-of-contents field (Word fills it in when the file is
opened: ``updateFields`` is set), and the report's parts under ``Heading 1`` / ``Heading 2``
styles (so Word's navigation pane and TOC list them); figures are Word tables ("Table Grid").

Charts: the SVG charts of the HTML report are not embedded. There is no SVG-to-PNG converter
among the dependencies (cairosvg is not installed; WeasyPrint renders PDF only), so the data
behind each chart (submissions and votes per article, stances, outcomes, participants, per day)
are given as tables instead.

The table of submissions can have tens of thousands of rows; python-docx keeps the whole
document as an XML tree, which would need gigabytes for that. So the document is built with a
marker paragraph where the table goes, saved, and ``word/document.xml`` is then copied into the
final file with the table's rows streamed in place of the marker, row by row: memory stays flat
whatever the number of submissions.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt

from .neutralise import xml_safe

MARKER = "KONSULTA-SUBMISSIONS-TABLE-GOES-HERE"
ROWS_PER_CHUNK = 200


def _t(value) -> str:
    """Text safe for a python-docx call (no XML-forbidden control characters)."""
    return xml_safe("" if value is None else str(value))


def _when(value, with_time: bool = True) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
    return value.isoformat()


class _Doc:
    def __init__(self):
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.orientation = WD_ORIENT.PORTRAIT
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(10)

    def h1(self, text):
        self.doc.add_heading(_t(text), level=1)

    def h2(self, text):
        self.doc.add_heading(_t(text), level=2)

    def p(self, text="", *, bold_prefix: str = "", style=None):
        para = self.doc.add_paragraph(style=style)
        if bold_prefix:
            para.add_run(_t(bold_prefix) + " ").bold = True
        lines = _t(text).split("\n")
        for i, line in enumerate(lines):
            run = para.add_run(line)
            if i < len(lines) - 1:
                run.add_break()
        return para

    def table(self, headers: list, rows: list[list]):
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(_t(header)).bold = True
        _repeat_header(table.rows[0])
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = _t(value)
        return table

    def toc(self):
        """A Word TOC field over Heading 1-2; Word fills it in (updateFields, see below)."""
        para = self.doc.add_paragraph()
        para._p.append(
            parse_xml(
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
            )
        )
        para._p.append(
            parse_xml(
                f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve">'
                ' TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
            )
        )
        para._p.append(
            parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>')
        )
        hint = escape(_t(_("Right-click and choose “Update field” to show the contents.")))
        para._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:t>{hint}</w:t></w:r>"))
        para._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:tblHeader {nsdecls("w")} w:val="true"/>'))


# --- the streamed table of submissions ---------------------------------------------------------

WIDTHS = (1500, 1800, 1600, 2938, 1800)  # twips; A4 minus 2 cm margins = 9638


def _cell(width: int, paragraphs: list[list[tuple[str, str]]]) -> str:
    """A table cell: paragraphs of runs ``(text, style)``, style "" / "b" / "i"."""
    parts = [f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>']
    if not paragraphs:
        paragraphs = [[]]
    for runs in paragraphs:
        parts.append("<w:p>")
        for text, style in runs:
            if not text:
                continue
            props = "<w:rPr><w:b/></w:rPr>" if style == "b" else ""
            props = "<w:rPr><w:i/></w:rPr>" if style == "i" else props
            lines = escape(xml_safe(text)).split("\n")
            body = "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in lines)
            parts.append(f"<w:r>{props}{body}</w:r>")
        parts.append("</w:p>")
    parts.append("</w:tc>")
    return "".join(parts)


def _header_row(labels: list[str]) -> str:
    cells = "".join(_cell(w, [[(label, "b")]]) for w, label in zip(WIDTHS, labels, strict=True))
    return f'<w:tr><w:trPr><w:tblHeader w:val="true"/><w:cantSplit/></w:trPr>{cells}</w:tr>'


def _submission_row(entry, private: bool, labels: dict) -> str:
    answer = entry.answer
    first = [
        [(entry.tracking_number, "b")],
        [(_when(entry.submitted_at), "")],
        [(entry.kind_label, "i")],
    ]
    who = [[(entry.author, "b")]]
    if entry.organisation and entry.organisation not in entry.author:
        who.append([(entry.organisation, "")])
    who.append([(entry.participant_type_label, "i")])
    if private:
        if entry.author_email:
            who.append([(entry.author_email, "")])
        if entry.location:
            who.append([(entry.location, "")])
    about = [[(entry.section_label, "")]]
    if entry.proposal_title:
        about.insert(0, [(entry.proposal_title, "i")])
    if entry.stance_label:
        about.append([(labels["stance"] + " ", "b"), (entry.stance_label, "")])
    if entry.parent_tracking_number:
        about.append([(labels["reply_to"] + " ", "b"), (entry.parent_tracking_number, "")])
    text = []
    if entry.title:
        text.append([(entry.title, "b")])
    if entry.status_note:
        text.append([(entry.status_note, "i")])
    if entry.text:
        text.append([(entry.text, "")])
    if entry.proposed_wording:
        text.append([(labels["wording"] + " ", "b"), (entry.proposed_wording, "i")])
    for point in entry.points:
        text.append([(point.label + ": ", "b"), (point.text, "")])
    if answer is not None:
        reply = [[(answer.outcome_label, "b")]]
        if answer.justification:
            reply.append([(answer.justification, "")])
        if answer.reflected_in_label:
            reply.append([(labels["reflected"] + " ", "i"), (answer.reflected_in_label, "")])
        reply.append([(_when(answer.answered_at, with_time=False), "i")])
    else:
        reply = [[(labels["no_answer"], "i")]]
    cells = [first, who, about, text, reply]
    body = "".join(_cell(w, c) for w, c in zip(WIDTHS, cells, strict=True))
    return f"<w:tr>{body}</w:tr>"


def _table_chunks(source, progress):
    labels = {
        "stance": _("Stance:"),
        "reply_to": _("Reply to:"),
        "wording": _("Proposed wording:"),
        "reflected": _("Reflected in:"),
        "no_answer": _("Not answered"),
    }
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in WIDTHS)
    yield (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        '<w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        + _header_row(
            [
                _("Submission"),
                _("Submitted by"),
                _("About"),
                _("Text"),
                _("Answer of the institution"),
            ]
        )
    ).encode()
    private = source.include_private
    parts = []
    n = 0
    for entry in source.entries():
        parts.append(_submission_row(entry, private, labels))
        n += 1
        if n % ROWS_PER_CHUNK == 0:
            yield "".join(parts).encode()
            parts = []
            if progress is not None:
                progress.tick(ROWS_PER_CHUNK)
    if progress is not None and n % ROWS_PER_CHUNK:
        progress.tick(n % ROWS_PER_CHUNK)
    parts.append("</w:tbl>")
    if not n:
        parts.append(
            f"<w:p><w:r><w:t>{escape(_('No submissions were received.'))}</w:t></w:r></w:p>"
        )
    yield "".join(parts).encode()


# --- the document --------------------------------------------------------------------------


def _build(source, report) -> Document:
    d = _Doc()
    c = report.consultation
    version = source.version
    d.doc.core_properties.title = _t(c.title)[:255]
    d.doc.core_properties.subject = _t(_("Consultation report"))
    d.doc.core_properties.author = _t(c.institution)[:255]
    d.doc.add_heading(_t(c.title), level=0)
    if version is not None:
        status = _("Consultation report, version %(n)d, published %(date)s") % {
            "n": version.number,
            "date": _when(version.published_at, with_time=False),
        }
    else:
        status = _("Consultation report: draft, not published (data as of %(date)s)") % {
            "date": _when(report.generated_at)
        }
    d.p(status, style="Subtitle")
    d.p(c.institution, bold_prefix=_("Institution:"))
    if source.include_private:
        d.p(
            _(
                "Internal document: it contains the names and contact details of the people "
                "who took part. Do not publish it."
            ),
            bold_prefix=_("Private."),
        )
    if version is not None and version.note:
        d.p(version.note, bold_prefix=_("Correction note:"))
    d.h1(_("Contents"))
    d.toc()

    stats = report.statistics
    summary = report.summary
    d.h1(_("Summary"))
    d.table(
        [_("Figure"), _("Value")],
        [
            [_("Participants"), summary.participants],
            [_("Submissions (not withdrawn)"), summary.submissions],
            [_("Comments"), summary.comments],
            [_("Position papers"), summary.papers],
            [_("Votes"), summary.votes],
            [_("Meetings"), summary.meetings],
            [_("Answered (%)"), summary.answered_percent],
            [_("Accepted or partially accepted (% of answered)"), summary.accepted_percent],
        ],
    )
    if summary.most_discussed:
        d.h2(_("Most discussed articles"))
        d.table(
            [_("Draft document"), _("Article"), _("Submissions")],
            [[r.proposal_title, r.label, r.count] for r in summary.most_discussed],
        )
    if summary.most_opposed:
        d.h2(_("Most opposed articles"))
        d.table(
            [_("Draft document"), _("Article"), _("Comments and votes against")],
            [[r.proposal_title, r.label, r.count] for r in summary.most_opposed],
        )

    d.h1(_("The consultation"))
    period = report.period
    d.p(c.kind_label, bold_prefix=_("Kind:"))
    d.p(
        _("%(opens)s to %(closes)s")
        % {"opens": _when(period.opens_at), "closes": _when(period.closes_at)},
        bold_prefix=_("Period:"),
    )
    if period.working_days is not None:
        d.p(
            _("%(days)d working days (the minimum is %(min)d)")
            % {"days": period.working_days, "min": period.minimum_working_days},
            bold_prefix=_("Length:"),
        )
    if period.is_short_round and period.justification:
        d.p(period.justification, bold_prefix=_("Why the round was shorter:"))
    d.p(f"{c.contact_name} <{c.contact_email}>", bold_prefix=_("Contact:"))
    if c.summary:
        d.p(c.summary)
    d.h2(_("Draft documents"))
    d.table(
        [_("Draft document"), _("Kind"), _("Versions")],
        [
            [
                p.title,
                p.kind_label,
                "\n".join(
                    f"v{v.number} ({_when(v.published_at, with_time=False)})"
                    + (f": {v.note}" if v.note else "")
                    for v in p.versions
                ),
            ]
            for p in report.proposals
        ],
    )
    d.h2(_("Methods"))
    d.p(_("Written round on the Konsulta platform."), style="List Bullet")
    if report.methods.meetings:
        d.table(
            [_("Date"), _("Place"), _("Who took part"), _("Participants"), _("Notes")],
            [
                [
                    _when(m.held_at),
                    m.place,
                    m.participants_description,
                    m.participants_count,
                    m.notes,
                ]
                for m in report.methods.meetings
            ],
        )

    d.h1(_("Participants"))
    part = report.participation
    d.p(str(part.total), bold_prefix=_("People who took part:"))
    d.table(
        [_("Participant type"), _("Participants")],
        [[r.label, r.count] for r in part.by_type],
    )
    d.table(
        [_("Location"), _("Participants")],
        [
            [_("In Kosovo"), part.in_kosovo],
            [_("Abroad"), part.abroad],
            [_("Not given"), part.location_not_given],
        ],
    )
    if part.by_municipality:
        d.h2(_("By municipality"))
        d.table(
            [_("Municipality"), _("Participants")],
            [[r.label, r.count] for r in part.by_municipality],
        )
    if part.by_country:
        d.h2(_("By country (diaspora)"))
        d.table([_("Country"), _("Participants")], [[r.label, r.count] for r in part.by_country])

    d.h1(_("Statistics"))
    d.p(_("The charts of the online report are given here as tables of the same figures."))
    d.h2(_("Answers of the institution"))
    d.table(
        [_("Outcome"), _("Submissions")],
        [[r.label, r.count] for r in stats.outcomes]
        + [[_("Not answered"), max(stats.submissions - stats.answered, 0)]],
    )
    d.h2(_("Stance of the comments"))
    d.table([_("Stance"), _("Comments")], [[r.label, r.count] for r in stats.stances])
    d.h2(_("Submissions and votes per article"))
    d.table(
        [
            _("Article"),
            _("Submissions"),
            _("In favour / against / neutral"),
            _("Votes for / against / abstain"),
        ],
        [
            [
                (f"{r.proposal_title} · " if len(report.proposals) > 1 else "")
                + r.label
                + ("" if r.is_current else " " + _("(not in the current version)")),
                r.submissions,
                f"{r.stance_for} / {r.stance_against} / {r.stance_neutral}",
                f"{r.votes_for} / {r.votes_against} / {r.votes_abstain}",
            ]
            for r in [*stats.whole_draft, *stats.per_article]
        ],
    )
    if stats.per_day:
        d.h2(_("Submissions per day"))
        d.table(
            [_("Date"), _("Comments"), _("Position papers")],
            [[day.day.isoformat(), day.comments, day.papers] for day in stats.per_day],
        )

    if summary.changes:
        d.h1(_("Changes to the draft"))
        for ch in summary.changes:
            d.h2(
                _("%(draft)s: version %(from)d to version %(to)d")
                % {"draft": ch.proposal_title, "from": ch.from_version, "to": ch.to_version}
            )
            for label, items in (
                (_("Changed:"), ch.changed),
                (_("Added:"), ch.added),
                (_("Removed:"), ch.removed),
            ):
                if items:
                    d.p(", ".join(i.label for i in items), bold_prefix=label)

    papers = list(source.paper_entries())
    if papers:
        d.h1(_("Position papers"))
        for paper in papers:
            d.h2(f"{paper.tracking_number}: {paper.title}")
            d.p(paper.author, bold_prefix=_("Organisation:"))
            d.p(_when(paper.submitted_at), bold_prefix=_("Submitted:"))
            if paper.status_note:
                d.p(paper.status_note)
            if paper.summary:
                d.p(paper.summary)
            for point in paper.points:
                d.p(point.text, bold_prefix=point.label + ":", style="List Bullet")
            if paper.answer is not None:
                d.p(
                    paper.answer.justification,
                    bold_prefix=paper.answer.outcome_label + ":",
                )

    d.h1(_("Submissions and answers"))
    d.p(
        _(
            "Every submission received, oldest first, with the answer of the institution. "
            "Hidden and withdrawn submissions are listed without their text."
        )
    )
    d.doc.add_paragraph(MARKER)
    return d.doc


def write(source, out, *, progress=None) -> None:
    report = source.summary()
    doc = _build(source, report)
    if progress is not None:
        progress.report(5)
    skeleton = io.BytesIO()
    doc.save(skeleton)
    skeleton.seek(0)
    with (
        zipfile.ZipFile(skeleton) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                at = xml.index(MARKER)
                start = max(xml.rfind("<w:p>", 0, at), xml.rfind("<w:p ", 0, at))
                end = xml.index("</w:p>", at) + len("</w:p>")
                info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(info, "w", force_zip64=True) as fh:
                    fh.write(xml[:start].encode("utf-8"))
                    for chunk in _table_chunks(source, progress):
                        fh.write(chunk)
                    fh.write(xml[end:].encode("utf-8"))
            elif item.filename == "word/settings.xml":
                xml = data.decode("utf-8")
                if "updateFields" not in xml:
                    # Schema order: after savePreviewPicture, before compat.
                    anchor = "<w:compat>" if "<w:compat>" in xml else "</w:settings>"
                    xml = xml.replace(anchor, '<w:updateFields w:val="true"/>' + anchor, 1)
                dst.writestr(item, xml.encode("utf-8"))
            else:
                dst.writestr(item, data)
