"""proposals.diff: word diffs, their HTML, and section-by-section version comparison."""

from __future__ import annotations

import pytest
from django.utils.safestring import SafeString

from proposals.diff import (
    SectionChange,
    diff_stats,
    tokenize,
    version_diff,
    word_diff,
    word_diff_html,
)
from proposals.parsing import FlatSection

PAIRS = [
    ("", ""),
    ("", "Teksti i ri."),
    ("Teksti i vjetër.", ""),
    ("Ky ligj hyn në fuqi.", "Ky ligj hyn në fuqi."),
    ("Ky ligj hyn në fuqi.", "Ky ligj nuk hyn në fuqi!"),
    ("The quick brown fox jumps.", "The slow red fox jumped!"),
    ("Rreshti një.\nRreshti dy.\n\nRreshti tre.", "Rreshti një.\nRreshti 2.\nRreshti tre."),
    ("çështje   ë  ç", "çështje ë ç ç"),
    ("Овај закон ступа на снагу.", "Овај закон не ступа на снагу одмах."),
    ("a,b;c", "a; b, c"),
    ("  leading", "leading  "),
    ("5 < 6 & 7 > 3", "5 <= 6 && 7 > 3"),
]


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_word_diff_reconstructs_both_texts(a, b):
    ops = word_diff(a, b)
    assert "".join(text for op, text in ops if op in ("equal", "delete")) == a
    assert "".join(text for op, text in ops if op in ("equal", "insert")) == b
    assert all(op in ("equal", "insert", "delete") for op, _text in ops)
    assert all(text for _op, text in ops)
    # no two consecutive runs of the same kind
    assert all(x[0] != y[0] for x, y in zip(ops, ops[1:], strict=False))


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_tokenize_is_lossless(a, b):
    assert "".join(tokenize(a)) == a
    assert "".join(tokenize(b)) == b


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("", "", []),
        ("same", "same", [("equal", "same")]),
        ("", "new", [("insert", "new")]),
        ("old", "", [("delete", "old")]),
        (
            "Afati është 15 ditë.",
            "Afati është 30 ditë.",
            [("equal", "Afati është "), ("delete", "15"), ("insert", "30"), ("equal", " ditë.")],
        ),
        (
            "The quick brown fox jumps.",
            "The slow red fox jumps.",
            [
                ("equal", "The "),
                ("delete", "quick brown"),
                ("insert", "slow red"),
                ("equal", " fox jumps."),
            ],
        ),
        (
            "Ky ligj hyn në fuqi.",
            "Ky ligj nuk hyn në fuqi.",
            [("equal", "Ky ligj "), ("insert", "nuk "), ("equal", "hyn në fuqi.")],
        ),
    ],
)
def test_word_diff_ops(a, b, expected):
    assert word_diff(a, b) == expected


def test_word_diff_html_marks_changes():
    html = word_diff_html("Afati është 15 ditë.", "Afati është 30 ditë.")
    assert isinstance(html, SafeString)
    assert html == "Afati është <del>15</del><ins>30</ins> ditë."


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (
            "Tekst <script>alert(1)</script>",
            "Tekst <script>alert(2)</script>",
            "Tekst &lt;script&gt;alert(<del>1</del><ins>2</ins>)&lt;/script&gt;",
        ),
        ("<b>bold</b>", "<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
        ("", "<img src=x onerror=alert(1)>", "<ins>&lt;img src=x onerror=alert(1)&gt;</ins>"),
        ("\"q\" & 'a'", "", "<del>&quot;q&quot; &amp; &#x27;a&#x27;</del>"),
        ("</del><ins>x", "</ins>", None),
    ],
)
def test_word_diff_html_escapes_everything(a, b, expected):
    html = word_diff_html(a, b)
    if expected is not None:
        assert html == expected
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    # the only tags are ours
    stripped = html.replace("<del>", "").replace("</del>", "")
    stripped = stripped.replace("<ins>", "").replace("</ins>", "")
    assert "<" not in stripped and ">" not in stripped


# --------------------------------------------------------------------------------------------
# version_diff


def flat(key, number, title="", body="", kind="article", parent_key="", depth=0, position=0):
    return FlatSection(
        key=key,
        kind=kind,
        number=number,
        title=title,
        body=body,
        parent_key=parent_key,
        depth=depth,
        position=position,
    )


def positioned(sections: list[FlatSection]) -> list[FlatSection]:
    for position, section in enumerate(sections):
        section.position = position
    return sections


OLD = positioned(
    [
        flat("hyrja", "", body="Kuvendi miraton:", kind="preamble"),
        flat("neni-1", "1", "Qëllimi", "Ky ligj rregullon konsultimet."),
        flat("neni-1-1", "1", body="Paragrafi i parë.", kind="paragraph", parent_key="neni-1"),
        flat("neni-2", "2", "Afatet", "Afati është 15 ditë."),
        flat("neni-3", "3", "Raporti", "Raporti publikohet."),
        flat("neni-3-1", "1", body="Brenda 30 ditëve.", kind="paragraph", parent_key="neni-3"),
        flat("neni-4", "4", "Hyrja në fuqi", "Ligji hyn në fuqi."),
    ]
)
NEW = positioned(
    [
        flat("hyrja", "", body="Kuvendi  miraton:\n", kind="preamble"),  # whitespace only
        flat("neni-1", "1", "Qëllimi", "Ky ligj rregullon konsultimet."),
        flat("neni-1-1", "1", body="Paragrafi i parë.", kind="paragraph", parent_key="neni-1"),
        flat("neni-2", "2", "Afatet", "Afati është 30 ditë."),
        flat("neni-5", "3", "Regjistri", "Krijohet regjistri <i>elektronik</i>."),
        flat("neni-4", "4", "Hyrja në fuqi", "Ligji hyn në fuqi."),
    ]
)


def test_version_diff_statuses_and_order():
    changes = version_diff(OLD, NEW)
    assert all(isinstance(change, SectionChange) for change in changes)
    assert [(c.key, c.status) for c in changes] == [
        ("hyrja", "unchanged"),
        ("neni-1", "unchanged"),
        ("neni-1-1", "unchanged"),
        ("neni-2", "changed"),
        # removed sections come after the section that preceded them in the old version
        ("neni-3", "removed"),
        ("neni-3-1", "removed"),
        ("neni-5", "added"),
        ("neni-4", "unchanged"),
    ]
    by_key = {c.key: c for c in changes}
    assert by_key["neni-2"].body_html == "Afati është <del>15</del><ins>30</ins> ditë."
    assert by_key["neni-2"].title_html == "Afatet"
    assert by_key["neni-2"].old is OLD[3] and by_key["neni-2"].new is NEW[3]
    assert by_key["neni-3"].new is None and by_key["neni-3"].old is OLD[4]
    assert by_key["neni-3"].title_html == "<del>Raporti</del>"
    assert by_key["neni-5"].old is None
    assert by_key["neni-5"].body_html == (
        "<ins>Krijohet regjistri &lt;i&gt;elektronik&lt;/i&gt;.</ins>"
    )
    assert not any(c.moved for c in changes)
    assert by_key["neni-5"].section is NEW[4]
    assert by_key["neni-3"].section is OLD[4]


def test_whitespace_only_change_is_unchanged_and_shows_new_text():
    change = version_diff(OLD, NEW)[0]
    assert change.status == "unchanged"
    assert change.body_html == "Kuvendi  miraton:\n"


def test_renumbered_section_is_moved():
    old = positioned([flat("neni-4", "4", "Raporti", "Tekst."), flat("neni-5", "5", "T", "B")])
    new = positioned(
        [flat("neni-4-r2", "4", "I ri", "X."), flat("neni-4", "5", "Raporti", "Tekst.")]
    )
    changes = version_diff(old, new)
    assert [(c.key, c.status, c.moved) for c in changes] == [
        ("neni-4-r2", "added", False),
        ("neni-4", "unchanged", True),
        ("neni-5", "removed", False),
    ]


def test_removed_at_the_start_and_unsorted_input():
    old = positioned([flat("hyrja", "", body="H", kind="preamble"), flat("neni-1", "1", "A", "a")])
    new = [flat("neni-2", "2", "C", "c", position=1), flat("neni-1", "1", "A", "a b", position=0)]
    changes = version_diff(old, new)
    assert [(c.key, c.status) for c in changes] == [
        ("hyrja", "removed"),
        ("neni-1", "changed"),
        ("neni-2", "added"),
    ]


def test_version_diff_of_identical_versions():
    changes = version_diff(OLD, OLD)
    assert {c.status for c in changes} == {"unchanged"}
    assert diff_stats(changes) == {"added": 0, "removed": 0, "changed": 0, "unchanged": len(OLD)}


def test_diff_stats():
    assert diff_stats(version_diff(OLD, NEW)) == {
        "added": 1,
        "removed": 2,
        "changed": 1,
        "unchanged": 4,
    }
    assert diff_stats([]) == {"added": 0, "removed": 0, "changed": 0, "unchanged": 0}
