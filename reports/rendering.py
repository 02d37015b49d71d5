"""Render the report (a ``reports.selectors.Report``) as HTML, with its charts.

* ``report_charts(report)``: the report's charts as SVG strings (``reports.charts``), keyed by
  name; the same markup goes into the page, the PDF and (as PNG) the Word document.
* ``render_report_body(report, *, version=None, draft=False)``: ``templates/reports/
  _report_body.html``, the report itself (no page chrome, no script, no request needed).
* ``render_report_document(report, *, version=None, draft=False)``: a complete HTML document
  around the body for WeasyPrint, linking ``css/report-print.css`` by its file path
  (``PRINT_CSS_PATH``; pass ``base_url`` as you like, the stylesheet link is absolute).

Call them inside ``translation.override(language)``: the template's labels use the active
language; the report's own labels were fixed when it was built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import charts
from .selectors import Report

PRINT_CSS_PATH = Path(settings.BASE_DIR) / "static" / "css" / "report-print.css"
SCREEN_CSS_PATH = Path(settings.BASE_DIR) / "static" / "css" / "report.css"
CHART_ROWS = 25  # the per-article charts show at most this many articles (the tables show all)


@dataclass
class VersionMeta:
    """What the report body says about the published version it is (``ReportVersion`` has the
    same attributes and can be passed instead)."""

    number: int
    published_at: dt.datetime
    note: str = ""


def report_charts(report: Report) -> dict[str, str]:
    """``{"articles": svg, "stances": svg, "votes": svg, "time": svg, "participants": svg}``."""
    stats = report.statistics
    empty = _("No data yet")
    ranked = sorted(
        (row for row in stats.per_article if row.submissions), key=lambda r: -r.submissions
    )[:CHART_ROWS]
    multi = len(report.proposals) > 1

    def label(row) -> str:
        return f"{row.proposal_title} · {row.label}" if multi else row.label

    discussed = [row for row in stats.per_article if row.comments][:CHART_ROWS]
    voted = [row for row in [*stats.whole_draft, *stats.per_article] if row.votes_total][
        :CHART_ROWS
    ]
    return {
        "articles": charts.bar_chart(
            [(label(row), row.submissions) for row in ranked],
            title=_("Submissions per article"),
            chart_id="chart-articles",
            empty_text=empty,
        ),
        "stances": charts.stacked_bar_chart(
            [
                (label(row), [row.stance_for, row.stance_against, row.stance_neutral])
                for row in discussed
            ],
            series=[(_("In favour"), "for"), (_("Against"), "against"), (_("Neutral"), "neutral")],
            title=_("Stance of the comments per article"),
            chart_id="chart-stances",
            empty_text=empty,
        ),
        "votes": charts.stacked_bar_chart(
            [
                (
                    f"{row.proposal_title} · {row.label}" if (multi or not row.key) else row.label,
                    [row.votes_for, row.votes_against, row.votes_abstain],
                )
                for row in voted
            ],
            series=[(_("In favour"), "for"), (_("Against"), "against"), (_("Abstain"), "abstain")],
            title=_("Votes per article"),
            chart_id="chart-votes",
            empty_text=empty,
        ),
        "time": charts.time_chart(
            [(day.day, [day.comments, day.papers]) for day in stats.per_day],
            series=[(_("Comments"), "primary"), (_("Position papers"), "secondary")],
            title=_("Submissions per day"),
            chart_id="chart-time",
            empty_text=empty,
        ),
        "participants": charts.bar_chart(
            [(row.label, row.count) for row in report.participation.by_type],
            title=_("Participants by type"),
            chart_id="chart-participants",
            empty_text=empty,
            percent_of=report.participation.total or None,
        ),
    }


def _context(report: Report, version, draft: bool) -> dict:
    return {
        "report": report,
        "charts": {name: mark_safe(svg) for name, svg in report_charts(report).items()},  # noqa: S308 - built escaped by reports.charts
        "version": version,
        "draft": draft,
    }


def render_report_body(report: Report, *, version=None, draft: bool = False) -> str:
    return render_to_string("reports/_report_body.html", _context(report, version, draft))


def render_report_document(report: Report, *, version=None, draft: bool = False) -> str:
    context = _context(report, version, draft)
    context["print_css_url"] = PRINT_CSS_PATH.as_uri()
    return render_to_string("reports/document.html", context)
