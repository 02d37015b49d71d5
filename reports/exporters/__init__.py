"""The consultation report in files: one exporter per format, behind one registry.

``FORMATS`` maps a format name (the file extension) to its :class:`Format`; every exporter
module has ``write(source, out, *, progress=None)`` writing the whole file to a binary stream
(CSV also has ``iter_chunks(source)`` for a streamed download). An :class:`ExportSpec` says what
one export is (consultation, format, language, published version or live draft, public or
private); ``spec.source()`` gives the :class:`~reports.exporters.source.ExportSource` the
exporters read, ``spec.filename()`` the generated download name
``<slug>-report-v<N>[-draft][-private]-<lang>.<fmt>``.

Exporters are imported on first use (WeasyPrint takes a while to import).

Who may ask for which export is decided by the callers (``reports.export_views``, the
``export_report`` command), with the rules ``reports.preview_report`` (live draft and private
variant) and ``consult.view_consultation`` (published versions).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    content_type: str
    module: str
    # Laid out page by page (slow per submission): goes to the background sooner.
    paged: bool = False

    def exporter(self):
        return importlib.import_module(self.module)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("pdf", _("PDF document"), "application/pdf", "reports.exporters.pdf", True),
        Format(
            "docx",
            _("Word document"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "reports.exporters.docx",
            True,
        ),
        Format(
            "xlsx",
            _("Excel workbook"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "reports.exporters.xlsx",
        ),
        Format("csv", _("CSV table"), "text/csv; charset=utf-8", "reports.exporters.csv"),
        Format("json", _("JSON open data"), "application/json", "reports.exporters.json"),
    )
}

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def get_format(name: str) -> Format:
    """The format called ``name``; ``KeyError`` for anything else."""
    return FORMATS[name]


def sync_limit(fmt: Format) -> int:
    """Above this many submissions the export runs as a background job."""
    limit = getattr(settings, "REPORT_EXPORT_SYNC_MAX_SUBMISSIONS", 2000)
    if fmt.paged:
        limit = min(limit, getattr(settings, "REPORT_EXPORT_SYNC_MAX_SUBMISSIONS_PAGED", 300))
    return limit


class Progress:
    """Reports an exporter's progress to ``callback(percent, message)`` at most every
    ``step`` rows (and at least every 2 %): a background job stores it on its row."""

    def __init__(self, callback: Callable[[int, str], None] | None, total: int, step: int = 500):
        self.callback = callback
        self.total = max(total, 1)
        self.step = step
        self.done = 0
        self._last = -1

    def tick(self, rows: int = 1) -> None:
        self.done += rows
        if self.callback is None or (self.done % self.step and self.done != self.total):
            return
        self.report(5 + int(85 * min(self.done, self.total) / self.total))

    def report(self, percent: int, message: str = "") -> None:
        if self.callback is None or percent == self._last:
            return
        self._last = percent
        if not message:
            message = _("%(done)d of %(total)d submissions written") % {
                "done": min(self.done, self.total),
                "total": self.total,
            }
        self.callback(percent, str(message))


class ExportError(Exception):
    """An export that cannot be made (no published version, unknown format, ...); the message
    is for people."""


@dataclass(frozen=True)
class ExportSpec:
    """What one export is. ``draft``: the live report instead of a published version;
    ``private``: with identities (always live). ``version``: a published number (``None``:
    the latest)."""

    consultation_id: int
    format: str
    language: str
    draft: bool = False
    private: bool = False
    version: int | None = None

    def __post_init__(self):
        if self.format not in FORMATS:
            raise ExportError(_("Unknown format."))
        if self.language not in LANGUAGE_CODES:
            raise ExportError(_("Unknown language."))
        if self.private and not self.draft:
            object.__setattr__(self, "draft", True)  # identities exist only in the live data
        if self.draft:
            object.__setattr__(self, "version", None)

    @property
    def fmt(self) -> Format:
        return FORMATS[self.format]

    def to_args(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_args(cls, args: dict) -> ExportSpec:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in args.items() if k in names})

    def consultation(self):
        from consult.models import Consultation

        return Consultation.objects.select_related("institution").get(pk=self.consultation_id)

    def published(self, consultation):
        """The published ``ReportVersion`` this export reads (``None`` for the live draft);
        ``ExportError`` when there is none."""
        if self.draft:
            return None
        from reports.selectors import published_version

        found = published_version(consultation, language=self.language, number=self.version)
        if found is None:
            raise ExportError(_("This report has not been published."))
        return found

    def source(self, consultation=None):
        from .source import ExportSource

        consultation = consultation or self.consultation()
        return ExportSource(
            consultation, include_private=self.private, version=self.published(consultation)
        )

    def number(self, consultation, source=None) -> int:
        """The version number in the file name: the published one, or for the live draft the
        number it would get when published."""
        if source is not None and source.version is not None:
            return source.version.number
        if not self.draft:
            return self.published(consultation).number
        from reports.selectors import latest_version_number

        return latest_version_number(consultation) + 1

    def filename(self, consultation, source=None) -> str:
        language = self.language
        if source is not None and source.version is not None:
            language = source.version.language
        parts = [f"{consultation.slug}-report-v{self.number(consultation, source)}"]
        if self.draft:
            parts.append("draft")
        if self.private:
            parts.append("private")
        parts.append(language)
        return "-".join(parts) + "." + self.format


def export(spec: ExportSpec, out, *, consultation=None, progress=None) -> dict:
    """Write the export ``spec`` describes to the binary stream ``out``, in its language.
    ``progress(percent, message)`` is told how far it got. Returns facts about the file."""
    from django.utils import translation

    consultation = consultation or spec.consultation()
    with translation.override(spec.language):
        source = spec.source(consultation)
        total = source.count()
        tracker = Progress(progress, total)
        tracker.report(2, str(_("Preparing the report")))
        spec.fmt.exporter().write(source, out, progress=tracker)
        tracker.report(100, str(_("Done")))
        return {
            "filename": spec.filename(consultation, source),
            "content_type": spec.fmt.content_type,
            "submissions": total,
        }
