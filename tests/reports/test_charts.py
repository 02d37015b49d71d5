"""``reports.charts``: well-formed, accessible SVG that escapes what it is given."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from reports import charts

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & "Neni" ë'
SERIES = [("Pro", "for"), ("Kundër", "against"), ("Neutral", "neutral")]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything not well-formed
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 640 ")
    assert root.get("width") == "640" and int(root.get("height")) > 0
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    labelled = root.get("aria-labelledby").split()
    assert title.get("id") in labelled
    assert "system-ui" in root.get("font-family")
    return root


def all_text(root: ET.Element) -> str:
    return " ".join(t for t in root.itertext())


CASES = {
    "bar": lambda label: charts.bar_chart([(label, 5), ("Neni 2", 3)], title=label),
    "bar_percent": lambda label: charts.bar_chart(
        [(label, 2), ("Qytetar", 6)], title=label, percent_of=8
    ),
    "stacked": lambda label: charts.stacked_bar_chart(
        [(label, [3, 1, 0]), ("Neni 2", [0, 4, 2])], series=SERIES, title=label
    ),
    "time": lambda label: charts.time_chart(
        [(dt.date(2026, 3, 2) + dt.timedelta(days=i), [i % 3, i % 2]) for i in range(40)],
        series=[(label, "primary"), ("Letra", "secondary")],
        title=label,
    ),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_well_formed_and_escaped(kind):
    svg = CASES[kind](EVIL)
    root = parse(svg)
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    # Nothing but SVG elements: no script, no foreignObject, no event handler attribute.
    for element in root.iter():
        assert element.tag.startswith(SVG)
        assert element.tag not in (f"{SVG}script", f"{SVG}foreignObject")
        assert not any(name.lower().startswith("on") for name in element.attrib)
        assert "style" not in element.attrib
    assert 'alert("x")' in all_text(root)  # shown as text, intact


def test_bar_chart_writes_values_and_shares():
    root = parse(
        charts.bar_chart([("Qytetar", 6), ("OShC", 2)], title="Pjesëmarrësit", percent_of=8)
    )
    text = all_text(root)
    assert "6 (75%)" in text and "2 (25%)" in text
    assert len(root.findall(f".//{SVG}rect")) == 2


def test_stacked_chart_uses_patterns_and_legend_for_grayscale():
    svg = charts.stacked_bar_chart(
        [("Neni 1", [5, 3, 2])], series=SERIES, title="Qëndrimet", chart_id="c1"
    )
    root = parse(svg)
    ids = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert ids == {"c1-p-against", "c1-p-neutral"}
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect")}
    assert "url(#c1-p-against)" in fills and "#1c6b3a" in fills
    text = all_text(root)
    for name in ("Pro", "Kundër", "Neutral", "10"):  # legend and total
        assert name in text
    desc = root.find(f"{SVG}desc").text
    assert "Pro 5" in desc and "Kundër 3" in desc


def test_long_labels_are_shortened_but_kept_in_the_tooltip():
    label = "Neni 12: " + "Dispozitat kalimtare dhe përfundimtare " * 3
    root = parse(charts.bar_chart([(label, 1)], title="T"))
    shown = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("Neni 12")]
    assert shown and all(len(t) <= charts.LABEL_CHARS for t in shown)
    assert any(
        label.split()[0] in (t.text or "") and len(t.text) > 60 for t in root.iter(f"{SVG}title")
    )


@pytest.mark.parametrize("kind", ["bar", "stacked", "time"])
def test_empty_data_gives_a_message(kind):
    if kind == "bar":
        svg = charts.bar_chart([], title="T", empty_text="Asnjë e dhënë")
    elif kind == "stacked":
        svg = charts.stacked_bar_chart(
            [("a", [0, 0, 0])], series=SERIES, title="T", empty_text="Asnjë e dhënë"
        )
    else:
        svg = charts.time_chart([], series=SERIES, title="T", empty_text="Asnjë e dhënë")
    root = parse(svg)
    assert "Asnjë e dhënë" in all_text(root)


def test_ids_are_prefixed_so_charts_share_a_page():
    a = parse(charts.stacked_bar_chart([("x", [1, 1, 1])], series=SERIES, title="A", chart_id="a"))
    b = parse(charts.stacked_bar_chart([("x", [1, 1, 1])], series=SERIES, title="B", chart_id="b"))
    ids_a = {e.get("id") for e in a.iter() if e.get("id")}
    ids_b = {e.get("id") for e in b.iter() if e.get("id")}
    assert ids_a and not ids_a & ids_b
