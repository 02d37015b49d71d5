"""Charts for the report as inline SVG strings, generated on the server.

Pure functions: data in, an SVG string out; no database, no JavaScript, no external file. The
same markup goes into the HTML page, the PDF (WeasyPrint renders inline SVG) and, converted to
PNG by the exporter, the Word document.

Every chart:

* is a complete ``<svg>`` element with ``xmlns``, a fixed ``viewBox`` (and matching ``width`` /
  ``height``, so converters know its size), ``role="img"``, an ``aria-labelledby`` pointing at its
  ``<title>`` and ``<desc>`` (the figures in words);
* escapes every piece of text it is given (``<script>`` in a label stays text);
* uses system fonts, colours with at least 4.5:1 contrast for text, and a *pattern* per series
  (solid, hatched, dotted) with a legend and the numbers written on the chart, so it reads in
  grayscale and without colour;
* has ids prefixed with ``chart_id`` so several charts can share one page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from django.utils.html import escape

WIDTH = 640
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif"
TEXT = "#1a1f24"
MUTED = "#4f5a63"
GRID = "#dde3e8"
LABEL_CHARS = 34

# kind -> (fill colour, pattern). White text on each fill has at least 4.5:1 contrast.
STYLES = {
    "for": ("#1c6b3a", "solid"),
    "against": ("#b3261e", "hatch"),
    "neutral": ("#5c6670", "dots"),
    "abstain": ("#5c6670", "dots"),
    "primary": ("#12336b", "solid"),
    "secondary": ("#7a4f00", "hatch"),
}


def _e(value) -> str:
    return escape(str(value))


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _defs(chart_id: str, kinds: Sequence[str]) -> str:
    """One ``<pattern>`` per hatched or dotted style used (white marks over the fill)."""
    parts = []
    for kind in dict.fromkeys(kinds):
        colour, pattern = STYLES.get(kind, STYLES["primary"])
        pid = f"{chart_id}-p-{kind}"
        if pattern == "hatch":
            parts.append(
                f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate(45)"><rect width="8" height="8" fill="{colour}"/>'
                f'<rect width="3" height="8" fill="#ffffff" fill-opacity="0.35"/></pattern>'
            )
        elif pattern == "dots":
            parts.append(
                f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
                f'<rect width="6" height="6" fill="{colour}"/>'
                f'<circle cx="3" cy="3" r="1.3" fill="#ffffff" fill-opacity="0.45"/></pattern>'
            )
    return f"<defs>{''.join(parts)}</defs>" if parts else ""


def _fill(chart_id: str, kind: str) -> str:
    colour, pattern = STYLES.get(kind, STYLES["primary"])
    return colour if pattern == "solid" else f"url(#{chart_id}-p-{kind})"


def _svg(chart_id: str, height: int, title: str, desc: str, body: str) -> str:
    height = int(math.ceil(height))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{_e(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{_e(chart_id)}-title {_e(chart_id)}-desc" '
        f'font-family="{FONT}" font-size="13" fill="{TEXT}">'
        f'<title id="{_e(chart_id)}-title">{_e(title)}</title>'
        f'<desc id="{_e(chart_id)}-desc">{_e(desc)}</desc>'
        f"{body}</svg>"
    )


def _empty(chart_id: str, title: str, empty_text: str) -> str:
    body = (
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="59" fill="#f3f5f7" stroke="{GRID}"/>'
        f'<text x="{WIDTH / 2}" y="35" text-anchor="middle" fill="{MUTED}">{_e(empty_text)}</text>'
    )
    return _svg(chart_id, 60, title, empty_text, body)


def _legend(chart_id: str, series: Sequence[tuple[str, str]], y: float) -> str:
    """A row of swatches with their names, starting at the left edge."""
    x, parts = 0.0, []
    for name, kind in series:
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="14" height="14" fill="{_fill(chart_id, kind)}" '
            f'stroke="{TEXT}" stroke-width="0.5"/>'
            f'<text x="{x + 20:.1f}" y="{y + 11.5:.1f}">{_e(name)}</text>'
        )
        x += 20 + 7.5 * len(str(name)) + 18
    return "".join(parts)


def bar_chart(
    items: Sequence[tuple[str, int | float]],
    *,
    title: str,
    chart_id: str = "bars",
    kind: str = "primary",
    empty_text: str = "—",
    percent_of: int | None = None,
) -> str:
    """Horizontal bars, one per ``(label, value)``, with the value at the end of each bar
    (and its share of ``percent_of`` when given)."""
    items = [(str(label), value) for label, value in items]
    if not items or not any(value for _label, value in items):
        return _empty(chart_id, title, empty_text)
    label_w, value_w, row_h, bar_h = 250, 80, 26, 16
    plot_w = WIDTH - label_w - value_w
    top = max(value for _label, value in items) or 1
    parts = [_defs(chart_id, [kind])]
    words = []
    for index, (label, value) in enumerate(items):
        y = index * row_h
        w = plot_w * value / top
        shown = _fmt(value)
        if percent_of:
            shown += f" ({round(100 * value / percent_of)}%)"
        words.append(f"{label}: {shown}")
        parts.append(
            f"<g><title>{_e(label)}: {_e(shown)}</title>"
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{_e(_short(label))}</text>'
            f'<rect x="{label_w}" y="{y + 5}" width="{max(w, 0.5):.1f}" height="{bar_h}" '
            f'fill="{_fill(chart_id, kind)}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" font-weight="bold">{_e(shown)}</text>'
            f"</g>"
        )
    height = len(items) * row_h + 6
    parts.append(f'<line x1="{label_w}" y1="0" x2="{label_w}" y2="{height - 4}" stroke="{MUTED}"/>')
    return _svg(chart_id, height, title, "; ".join(words), "".join(parts))


def stacked_bar_chart(
    rows: Sequence[tuple[str, Sequence[int]]],
    *,
    series: Sequence[tuple[str, str]],
    title: str,
    chart_id: str = "stacked",
    empty_text: str = "—",
) -> str:
    """Horizontal stacked bars: one row per ``(label, [value per series])``; ``series`` is
    ``[(name, kind), ...]`` with kinds from ``STYLES`` ("for", "against", "neutral", ...).
    Each segment wide enough shows its number; the total is written after the bar."""
    rows = [(str(label), [int(v) for v in values]) for label, values in rows]
    if not rows or not any(sum(values) for _label, values in rows):
        return _empty(chart_id, title, empty_text)
    label_w, total_w, row_h, bar_h, legend_h = 250, 50, 26, 18, 28
    plot_w = WIDTH - label_w - total_w
    top = max(sum(values) for _label, values in rows) or 1
    kinds = [kind for _name, kind in series]
    parts = [_defs(chart_id, kinds), _legend(chart_id, series, 2)]
    words = []
    for index, (label, values) in enumerate(rows):
        y = legend_h + index * row_h
        x = float(label_w)
        described = ", ".join(
            f"{name} {value}" for (name, _kind), value in zip(series, values, strict=False)
        )
        words.append(f"{label}: {described}")
        segments = []
        for (name, kind), value in zip(series, values, strict=False):
            if not value:
                continue
            w = plot_w * value / top
            segments.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{_fill(chart_id, kind)}" stroke="#ffffff" stroke-width="1">'
                f"<title>{_e(label)}: {_e(name)} {value}</title></rect>"
            )
            if w >= 10 + 7 * len(str(value)):
                segments.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 17}" text-anchor="middle" '
                    f'fill="#ffffff" font-weight="bold">{value}</text>'
                )
            x += w
        parts.append(
            f"<g><title>{_e(label)}: {_e(described)}</title>"
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{_e(_short(label))}</text>'
            f"{''.join(segments)}"
            f'<text x="{x + 6:.1f}" y="{y + 17}" fill="{MUTED}">{sum(values)}</text></g>'
        )
    height = legend_h + len(rows) * row_h + 6
    return _svg(chart_id, height, title, "; ".join(words), "".join(parts))


def time_chart(
    days: Sequence[tuple[dt.date, Sequence[int]]],
    *,
    series: Sequence[tuple[str, str]],
    title: str,
    chart_id: str = "time",
    empty_text: str = "—",
) -> str:
    """Columns over time, one per day, stacked by series; a y axis with a few ticks and dates
    under some of the columns (first, last and evenly spaced ones)."""
    days = [(day, [int(v) for v in values]) for day, values in days]
    if not days or not any(sum(values) for _day, values in days):
        return _empty(chart_id, title, empty_text)
    left, right, legend_h, plot_h, axis_h = 40, 10, 28, 170, 34
    plot_w = WIDTH - left - right
    top = max(sum(values) for _day, values in days) or 1
    step = max(1, math.ceil(top / 4))
    ticks = list(range(0, top + step, step))
    scale_top = ticks[-1] or 1
    kinds = [kind for _name, kind in series]
    parts = [_defs(chart_id, kinds), _legend(chart_id, series, 2)]
    base = legend_h + plot_h
    for tick in ticks:
        y = base - plot_h * tick / scale_top
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}" '
            f'font-size="11">{tick}</text>'
        )
    n = len(days)
    slot = plot_w / n
    bar_w = max(1.0, min(28.0, slot * 0.75))
    label_every = max(1, math.ceil(n / 8))
    words = []
    for index, (day, values) in enumerate(days):
        cx = left + slot * index + slot / 2
        y = float(base)
        described = ", ".join(
            f"{name} {value}" for (name, _kind), value in zip(series, values, strict=False)
        )
        if sum(values):
            words.append(f"{day.isoformat()}: {described}")
        segments = []
        for (_name, kind), value in zip(series, values, strict=False):
            if not value:
                continue
            h = plot_h * value / scale_top
            y -= h
            segments.append(
                f'<rect x="{cx - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{_fill(chart_id, kind)}" stroke="#ffffff" '
                f'stroke-width="0.5"/>'
            )
        parts.append(f"<g><title>{_e(day.isoformat())}: {_e(described)}</title>{''.join(segments)}")
        if sum(values) and slot >= 14:
            parts.append(
                f'<text x="{cx:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11">'
                f"{sum(values)}</text>"
            )
        parts.append("</g>")
        if index % label_every == 0 or index == n - 1:
            parts.append(
                f'<text x="{cx:.1f}" y="{base + 16}" text-anchor="middle" fill="{MUTED}" '
                f'font-size="11">{_e(day.strftime("%d.%m"))}</text>'
            )
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" stroke="{MUTED}"/>'
    )
    height = legend_h + plot_h + axis_h
    return _svg(chart_id, height, title, "; ".join(words), "".join(parts))
