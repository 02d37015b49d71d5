"""``reports.selectors``: the report's content, checked against what the database holds."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from comments.models import Comment, OfficialResponse, PositionPaper
from proposals import services as proposal_services
from reports.selectors import (
    SUBMISSION_ROW_FIELDS,
    build_report,
    iter_submission_rows,
    report_from_dict,
    report_to_dict,
    submission_row_headers,
)
from tests import factories as f
from tests.reports.conftest import HIDDEN_EMAIL, HIDDEN_NAME, add_comments, build_round

pytestmark = pytest.mark.django_db


def by_key(rows):
    return {row.key: row for row in rows}


def entry(report, tracking_number):
    return next(s for s in report.submissions if s.tracking_number == tracking_number)


def test_header_draft_and_period(round_):
    with translation.override("en"):
        report = build_report(round_.consultation)
    c = round_.consultation
    assert report.language == "en"
    assert report.consultation.title == c.title
    assert report.consultation.kind_label == "Draft law"
    assert report.consultation.institution == c.institution.name
    assert (report.consultation.contact_name, report.consultation.contact_email) == (
        c.contact_name,
        c.contact_email,
    )
    assert [p.slug for p in report.proposals] == [round_.proposal.slug]
    assert report.proposals[0].current_version == 1
    assert [v.number for v in report.proposals[0].versions] == [1]
    assert report.period.opens_at == c.opens_at and report.period.closes_at == c.closes_at
    assert report.period.working_days == c.working_days
    assert report.period.minimum_working_days == 15
    assert report.period.is_short_round == c.is_short_round
    assert report.methods.online_written is True
    assert report.methods.meetings == [] and report.methods.hearings == []


def test_participation_counts(round_):
    with translation.override("en"):
        report = build_report(round_.consultation)
    part = report.participation
    # named, hidden, business, the moderated comment's author, the CSO representative; the
    # person who withdrew their only comment does not count.
    assert part.total == 5
    assert {row.key: row.count for row in part.by_type} == {
        "citizen": 3,
        "cso": 1,
        "business": 1,
        "academic": 0,
        "institution": 0,
    }
    assert [(row.key, row.count) for row in part.by_municipality] == [("Prishtinë", 1)]
    assert [(row.key, row.label, row.count) for row in part.by_country] == [("DE", "Germany", 1)]
    assert (part.in_kosovo, part.abroad, part.location_not_given) == (1, 1, 3)


def test_statistics_against_the_database(round_):
    report = build_report(round_.consultation)
    stats = report.statistics
    consultation = round_.consultation
    live_comments = Comment.objects.filter(consultation=consultation).exclude(status="withdrawn")
    live_papers = PositionPaper.objects.filter(consultation=consultation).exclude(
        status="withdrawn"
    )
    assert stats.comments == live_comments.count() == 6
    assert stats.replies == 1
    assert stats.papers == live_papers.count() == 1
    assert stats.submissions == 7
    assert (stats.hidden, stats.withdrawn) == (1, 1)
    answered = OfficialResponse.objects.filter(consultation=consultation).count()
    assert stats.answered == answered == 4
    assert (stats.accepted, stats.partially_accepted, stats.rejected, stats.noted) == (1, 1, 1, 1)
    assert stats.answered_percent == round(100 * 4 / 7)
    assert stats.accepted_percent == 50
    assert {row.key: row.count for row in stats.stances} == {
        "for": 2,
        "against": 2,
        "neutral": 2,
    }
    assert stats.votes_total == 4
    assert sum(day.total for day in stats.per_day) == 7


def test_per_article_rolls_paragraphs_up_and_counts_votes(round_):
    report = build_report(round_.consultation)
    rows = by_key(report.statistics.per_article)
    neni_1, neni_2, neni_3 = rows["neni-1"], rows["neni-2"], rows["neni-3"]
    # neni-1: the named comment, the comment on its paragraph 2, the paper's point.
    assert (neni_1.comments, neni_1.paper_points, neni_1.submissions) == (2, 1, 3)
    assert (neni_1.stance_for, neni_1.stance_against, neni_1.stance_neutral) == (1, 1, 0)
    assert (neni_1.votes_for, neni_1.votes_against, neni_1.votes_abstain) == (0, 0, 1)
    # neni-3: the hidden-consent comment, the reply to it, the paper's point; two votes against.
    assert (neni_3.comments, neni_3.paper_points, neni_3.submissions) == (2, 1, 3)
    assert (neni_3.stance_for, neni_3.stance_against) == (1, 1)
    assert neni_3.votes_against == 2 and neni_3.opposition == 3
    # neni-2: the hidden (moderated) comment counts, the withdrawn one does not.
    assert (neni_2.comments, neni_2.stance_neutral) == (1, 1)
    assert rows["neni-4"].submissions == 0
    assert [row.key for row in report.statistics.per_article][:3] == ["hyrja", "neni-1", "neni-2"]
    whole = report.statistics.whole_draft[0]
    assert (whole.comments, whole.stance_neutral, whole.votes_for) == (1, 1, 1)
    draft_votes = report.statistics.draft_votes[0]
    assert (draft_votes.votes_for, draft_votes.total) == (1, 1)


def test_executive_summary(round_):
    report = build_report(round_.consultation)
    summary = report.summary
    assert [r.key for r in summary.most_discussed] == ["neni-1", "neni-3", "neni-2"]
    assert summary.most_discussed[0].count == 3
    assert [r.key for r in summary.most_opposed] == ["neni-3", "neni-1"]
    assert [r.count for r in summary.most_opposed] == [3, 1]
    assert summary.participants == 5 and summary.submissions == 7
    assert summary.changes == []


def test_submissions_as_consented(round_):
    with translation.override("en"):
        report = build_report(round_.consultation)
    named = entry(report, round_.comment_named.tracking_number)
    assert named.author == "Drita Emërplotë"
    assert named.author_email == "" and named.location == ""
    assert named.section_label == "Article 1: Qëllimi"
    assert (named.article_key, named.stance_label) == ("neni-1", "In favour")
    assert named.proposed_wording.startswith("1. Kjo strategji")
    assert named.answer.outcome_label == "Accepted"
    assert named.answer.reflected_in_label == "Article 1: Qëllimi"
    hidden = entry(report, round_.comment_hidden_consent.tracking_number)
    number = round_.comment_hidden_consent.participant.number
    assert hidden.author == f"Participant #{number}"
    assert hidden.answer.outcome == "rejected"
    assert hidden.answer.justification == "Financimi rregullohet me ligj të veçantë."
    paragraph = entry(report, round_.comment_paragraph.tracking_number)
    assert paragraph.section_label == "Article 1: Qëllimi, Paragraph 2"
    assert (paragraph.section_key, paragraph.article_key) == ("neni-1-2", "neni-1")
    assert paragraph.answer is None
    reply = entry(report, round_.reply.tracking_number)
    assert reply.is_reply and reply.parent_tracking_number == hidden.tracking_number
    whole = entry(report, round_.comment_whole.tracking_number)
    assert whole.section_label == "Whole draft" and whole.section_key == ""
    paper = entry(report, round_.paper.tracking_number)
    assert paper.kind == "paper" and paper.organisation == round_.paper.organisation.name
    assert paper.author == round_.paper.organisation.name
    assert (paper.title, paper.pages) == ("Qëndrimi ynë për strategjinë", 1)
    assert paper.attachment_url.endswith(round_.paper.tracking_number + "/download/") or (
        round_.paper.tracking_number in paper.attachment_url
    )
    assert [p.key for p in paper.points] == ["neni-1", "neni-3"]
    assert paper.answer.outcome == "partially"
    # Oldest first; comments and papers together.
    dates = [s.submitted_at for s in report.submissions]
    assert dates == sorted(dates) and len(report.submissions) == 8


def test_hidden_and_withdrawn_appear_without_text(round_):
    with translation.override("en"):
        report = build_report(round_.consultation)
    moderated = entry(report, round_.comment_moderated.tracking_number)
    assert moderated.status == "hidden"
    assert moderated.status_note == "Hidden by moderation — Spam or advertising"
    assert moderated.text == "" and moderated.proposed_wording == ""
    withdrawn = entry(report, round_.comment_withdrawn.tracking_number)
    assert withdrawn.status == "withdrawn" and withdrawn.text == ""
    assert withdrawn.status_note == "Withdrawn by its author"
    dumped = json.dumps(report_to_dict(report), ensure_ascii=False)
    assert "Reklamë për një dyqan" not in dumped
    assert "Teksti që u tërhoq" not in dumped


def test_public_report_never_names_who_chose_not_to_be_shown(round_):
    dumped = json.dumps(report_to_dict(build_report(round_.consultation)), ensure_ascii=False)
    assert HIDDEN_NAME not in dumped and HIDDEN_EMAIL not in dumped
    assert "Drita Emërplotë" in dumped  # consented to be named
    assert "drita.emer@example.org" not in dumped  # but no email in the public report
    rows = list(iter_submission_rows(round_.consultation))
    assert HIDDEN_NAME not in json.dumps(rows, ensure_ascii=False)


def test_private_report_names_everyone(round_):
    with translation.override("sq"):
        report = build_report(round_.consultation, include_private=True)
    hidden = entry(report, round_.comment_hidden_consent.tracking_number)
    assert hidden.author == HIDDEN_NAME and hidden.author_email == HIDDEN_EMAIL
    assert hidden.location == "Gjermania"  # the active language: Albanian
    paper = entry(report, round_.paper.tracking_number)
    assert str(round_.representative) in paper.author


def test_answers_withheld_until_the_report_are_in_it(institution, official):
    round_ = build_round(institution, official, responses_visibility="with_report")
    report = build_report(round_.consultation)
    assert report.consultation.answers_with_report
    assert entry(report, round_.comment_named.tracking_number).answer.outcome == "accepted"


def test_labels_follow_the_active_language(round_):
    with translation.override("en"):
        en = build_report(round_.consultation)
    with translation.override("sq"):
        sq = build_report(round_.consultation)
    assert entry(en, round_.comment_whole.tracking_number).section_label == "Whole draft"
    assert en.language == "en" and sq.language == "sq"
    assert en.statistics.stances[0].label == "In favour"


def test_what_changed_between_the_first_and_the_latest_version(round_):
    proposal_services.proposal_version_publish(
        actor=round_.official,
        proposal=round_.proposal,
        data=f.SAMPLE_DRAFT_V2_MD.encode(),
        filename="v2.md",
        note="Versioni i dytë.",
    )
    with translation.override("en"):
        report = build_report(round_.consultation)
    assert report.proposals[0].current_version == 2
    (change,) = report.summary.changes
    assert (change.from_version, change.to_version) == (1, 2)
    assert change.stats["changed"] >= 1 and change.stats["added"] >= 1
    assert change.stats["removed"] >= 1
    assert [a.label for a in change.changed] == [
        "Article 1: Qëllimi",
        "Article 2: Përkufizimet",
    ]
    assert [a.label for a in change.added] == ["Article 3: Raportimi vjetor"]
    assert [a.label for a in change.removed] == ["Article 3: Financimi publik"]
    # The removed article keeps what was said about it, marked as not current.
    neni_3 = by_key(report.statistics.per_article)["neni-3"]
    assert not neni_3.is_current and neni_3.submissions == 3


def test_snapshot_round_trip(round_):
    report = build_report(round_.consultation)
    data = report_to_dict(report)
    json.dumps(data)  # JSON-safe
    again = report_from_dict(json.loads(json.dumps(data)))
    assert report_to_dict(again) == data
    assert again.submissions[0].submitted_at == report.submissions[0].submitted_at
    assert again.statistics.per_article[1].opposition == report.statistics.per_article[1].opposition


def test_submission_rows_are_flat_strings(round_):
    with translation.override("en"):
        rows = list(iter_submission_rows(round_.consultation))
        headers = submission_row_headers()
    assert set(headers) == set(SUBMISSION_ROW_FIELDS)
    assert len(rows) == 8
    for row in rows:
        assert tuple(row) == SUBMISSION_ROW_FIELDS
        assert all(isinstance(value, str) for value in row.values())
    by_number = {row["tracking_number"]: row for row in rows}
    moderated = by_number[round_.comment_moderated.tracking_number]
    assert moderated["text"] == "Hidden by moderation — Spam or advertising"
    assert "Reklamë" not in json.dumps(rows, ensure_ascii=False)
    named = by_number[round_.comment_named.tracking_number]
    assert (named["outcome"], named["article_key"], named["email"]) == ("Accepted", "neni-1", "")
    reply = by_number[round_.reply.tracking_number]
    assert reply["reply_to"] == round_.comment_hidden_consent.tracking_number
    paper = by_number[round_.paper.tracking_number]
    assert paper["kind"] == "Position paper" and "Article 1: Qëllimi" in paper["points"]
    private = {
        row["tracking_number"]: row
        for row in iter_submission_rows(round_.consultation, include_private=True)
    }
    assert private[round_.comment_hidden_consent.tracking_number]["email"] == HIDDEN_EMAIL
    # Same order as the report.
    report = build_report(round_.consultation)
    assert [row["tracking_number"] for row in rows] == [
        s.tracking_number for s in report.submissions
    ]


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_build_report_queries_do_not_grow_with_submissions(round_):
    consultation, proposal = round_.consultation, round_.proposal
    small = count(lambda: build_report(consultation))
    add_comments(consultation, proposal, 60, answered_by=round_.official)
    big = count(lambda: build_report(consultation))
    assert small == big
    assert big <= 12
    private = count(lambda: build_report(consultation, include_private=True))
    assert private == big


def test_submission_rows_query_count_is_bounded(round_):
    consultation, proposal = round_.consultation, round_.proposal
    small = count(lambda: list(iter_submission_rows(consultation)))
    add_comments(consultation, proposal, 60)
    big = count(lambda: list(iter_submission_rows(consultation)))
    assert small == big <= 8
