"""PDF: the report printed by WeasyPrint from ``templates/reports/pdf.html``.

``pdf.html`` wraps the report body (``templates/reports/_report_body.html`` for the live report;
for a published version, the body HTML frozen at publication, ``ReportVersion.html``) and links
``static/css/report-print.css`` by its ``file://`` path: A4, running header, page numbers in the
footer, a table of contents with page numbers (``target-counter``), PDF bookmarks from the
headings. The text font is DejaVu Sans (the OS package ``fonts-dejavu-core``, installed by
``make system-deps``), which carries Albanian ë ç, Serbian Latin and Cyrillic, Arabic and Hebrew
letters; ``pdf.html`` puts it first whatever the stylesheet says. (It has no emoji: an emoji is
drawn as an empty box.)

Nothing is fetched from the network: :class:`LocalFetcher` answers ``data:`` URLs and
``file://`` URLs inside the static directories and the DejaVu font directory, and refuses
everything else (a link in a comment is text in the PDF, never a request).

Large reports are laid out in parts. WeasyPrint keeps the layout of every page in memory until
the file is written: about 2 MB a page, 1.2 GB for a 500-page report of 2,000 submissions. Above
``CHUNK`` submissions the body is cut (at the submissions, with the positions given by an HTML
parser, so the template's own markup is printed unchanged) into the part before the
submissions and parts of ``CHUNK`` submissions; each part is laid out and written on its own,
starting at the right page number (``@page :first { counter-reset: page N }``), then the parts
are joined with pypdf. The table of contents gets the page numbers of the sections that moved
to later parts (the first part is laid out again, small, once they are known). What the
parts cannot have: the total number of pages in the footer ("page" only, not "page / pages"),
and clickable TOC entries for the sections in later parts (their page numbers are printed).
"""

from __future__ import annotations

import io
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from reports.rendering import PRINT_CSS_PATH, report_charts

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
_SAFE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
CHUNK = 150  # submissions laid out together (about 40 pages, ~100 MB of layout)


def static_roots() -> list[Path]:
    roots = [Path(p) for p in getattr(settings, "STATICFILES_DIRS", [])]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT))
    roots.append(DEJAVU_DIR)
    return [r.resolve() for r in roots]


class LocalFetcher(URLFetcher):
    """Fetches ``data:`` URLs and files under ``roots``; refuses every other URL (network,
    other files) with an error WeasyPrint logs and skips."""

    def __init__(self, roots: list[Path] | None = None):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
        self.roots = roots if roots is not None else static_roots()

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return super().fetch(url, headers)
        raise ValueError(f"Konsulta PDF: refused to fetch {url[:200]!r}")


# --- HTML --------------------------------------------------------------------------------------


def render_body(source, report) -> str:
    version = source.version
    if version is not None and version.html:
        return version.html  # frozen at publication, rendered then by the escaping template
    return render_to_string(
        "reports/_report_body.html",
        {
            "report": report,
            "charts": {name: mark_safe(svg) for name, svg in report_charts(report).items()},  # noqa: S308 - reports.charts escapes
            "version": version,
            "draft": version is None,
        },
    )


def render_document(source, report, body: str, *, first_page: int = 1, toc: dict | None = None):
    """The complete HTML document of the PDF (or of one of its parts)."""
    version = source.version
    return render_to_string(
        "reports/pdf.html",
        {
            "report": report,
            "version": version,
            "draft": version is None,
            "private": source.include_private,
            "body_html": mark_safe(body),  # noqa: S308 - see render_body
            "print_css_url": PRINT_CSS_PATH.as_uri(),
            "first_page": first_page,
            "part": first_page > 1 or toc is not None,
            # Heading ids of the body template (``report-comments``): CSS-safe, checked here.
            "toc_pages": sorted((k, v) for k, v in (toc or {}).items() if _SAFE_ID.match(k)),
        },
    )


def render_html(source, report) -> str:
    return render_document(source, report, render_body(source, report))


def _layout(html: str):
    return HTML(
        string=html, base_url=str(PRINT_CSS_PATH.parent), url_fetcher=LocalFetcher()
    ).render()


# --- cutting the body at the submissions -----------------------------------------------------

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
_UNIT = re.compile(r"(?:^|\s)report-sub(?:\s|$)")


class _Element:
    __slots__ = ("tag", "attrs", "start", "open_end", "end", "children", "parent")

    def __init__(self, tag, attrs, start, open_end, parent):
        self.tag, self.attrs, self.start, self.open_end = tag, dict(attrs), start, open_end
        self.end = None
        self.children: list[_Element] = []
        self.parent = parent

    @property
    def is_unit(self) -> bool:
        return self.tag == "article" and bool(_UNIT.search(self.attrs.get("class") or ""))


class _Outline(HTMLParser):
    """The element tree of the body with the character offsets of every element."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0]
        for match in re.finditer("\n", text):
            self.line_starts.append(match.end())
        self.root = _Element("#root", [], 0, 0, None)
        self.current = self.root

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        start = self._offset()
        raw = self.get_starttag_text() or ""
        element = _Element(tag, attrs, start, start + len(raw), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element
        else:
            element.end = element.open_end

    def handle_startendtag(self, tag, attrs):
        start = self._offset()
        raw = self.get_starttag_text() or ""
        element = _Element(tag, attrs, start, start + len(raw), self.current)
        element.end = element.open_end
        self.current.children.append(element)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag != self.current.tag:
            raise ValueError(f"unbalanced </{tag}> in the report body")
        end = self.text.index(">", self._offset()) + 1
        self.current.end = end
        self.current = self.current.parent


def split_body(body: str, size: int) -> tuple[str, list[tuple[str, list[str]]]] | None:
    """``(head, parts)``: the body up to the first section that lists submissions, then parts
    of at most ``size`` submissions as ``(html, [ids of the headings in it])``; ``None`` when
    the body does not have the expected shape (then it is printed in one go)."""
    outline = _Outline(body)
    try:
        outline.feed(body)
        outline.close()
    except ValueError:
        return None
    roots = [e for e in outline.root.children if e.tag == "article"]
    if len(roots) != 1 or roots[0].end is None:
        return None
    root = roots[0]
    children = root.children
    first = next(
        (i for i, child in enumerate(children) if any(c.is_unit for c in child.children)), None
    )
    if first is None:
        return None
    open_root = body[root.start : root.open_end]
    head = body[: children[first].start] + "</article>"
    parts: list[tuple[str, list[str]]] = []
    pending: list[str] = []
    pending_ids: list[str] = []
    count = 0

    def flush():
        nonlocal pending, pending_ids, count
        if pending:
            parts.append((open_root + "".join(pending) + "</article>", pending_ids))
        pending, pending_ids, count = [], [], 0

    for child in children[first:]:
        units = [c for c in child.children if c.is_unit]
        ids = [h.attrs["id"] for h in child.children if h.tag in ("h2", "h3") and "id" in h.attrs]
        if not units:
            pending.append(body[child.start : child.end])
            pending_ids += ids
            continue
        open_section = body[child.start : child.open_end]
        intro = body[child.open_end : units[0].start]
        for i in range(0, len(units), size):
            batch = units[i : i + size]
            if count and count + len(batch) > size:
                flush()
            text = open_section + (intro if i == 0 else "")
            text += body[batch[0].start : batch[-1].end]
            last = i + size >= len(units)
            text += body[batch[-1].end : child.end] if last else "</" + child.tag + ">"
            pending.append(text)
            if i == 0:
                pending_ids += ids
            count += len(batch)
            if count >= size:
                flush()
    flush()
    return head, parts


# --- writing -----------------------------------------------------------------------------------


def write(source, out, *, progress=None) -> None:
    report = source.report()
    if progress is not None:
        progress.report(5)
    body = render_body(source, report)
    split = split_body(body, CHUNK) if len(report.submissions) > CHUNK else None
    if split is None:
        document = _layout(render_document(source, report, body))
        if progress is not None:
            progress.report(85)
        document.write_pdf(out)
        return
    del body
    head, parts = split
    report.submissions = []  # the parts have the text; free the rest
    later = [anchor for _html, ids in parts for anchor in ids]
    for anchor in later:  # TOC entries of the later parts: page numbers, not links
        head = head.replace(f'href="#{anchor}"', f'data-later="{anchor}"')
    # 1. the part before the submissions, to know where the others start
    placeholder = dict.fromkeys(later, "")
    pages = len(_layout(render_document(source, report, head, toc=placeholder)).pages)
    first_pages: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="konsulta-pdf-") as tmp:
        files = []
        page = pages + 1
        for n, (html, ids) in enumerate(parts):
            document = _layout(render_document(source, report, html, first_page=page))
            for anchor in ids:
                first_pages[anchor] = page
            path = Path(tmp) / f"part-{n:04d}.pdf"
            document.write_pdf(path)
            page += len(document.pages)
            del document
            files.append(path)
            if progress is not None:
                progress.report(10 + int(80 * (n + 1) / len(parts)))
        # 2. the first part again, with the page numbers of the sections in the others
        head_pdf = io.BytesIO()
        _layout(render_document(source, report, head, toc=first_pages)).write_pdf(head_pdf)
        writer = PdfWriter()
        writer.append(PdfReader(head_pdf))
        for path in files:
            writer.append(str(path))
        writer.add_metadata(PdfReader(head_pdf).metadata or {})
        writer.write(out)
