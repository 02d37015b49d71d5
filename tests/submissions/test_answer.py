"""Answering a submission: each outcome, the justification a rejection needs, the email to the
submitter in their language (or none until the report), the next submission, the history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comments import notifications, services
from comments.models import OfficialResponse
from consult.models import Consultation
from tests import factories as f

from .conftest import make_comment


def answer_url(submission) -> str:
    return reverse(
        "submissions:answer",
        kwargs={
            "slug": submission.consultation.slug,
            "tracking_number": submission.tracking_number,
        },
    )


def list_url(consultation) -> str:
    return reverse("submissions:list", kwargs={"slug": consultation.slug})


@pytest.mark.parametrize(
    "outcome,justification",
    [
        ("accepted", ""),
        ("partially", "Komunat përfshihen, agjencitë jo: kanë ligjin e tyre."),
        ("rejected", "Fusha e zbatimit përcaktohet me ligj."),
        ("noted", ""),
    ],
)
def test_each_outcome_is_stored_and_the_next_submission_follows(
    outcome, justification, official, comment, paper, paragraph, login
):
    response = login(official).post(
        answer_url(comment),
        {"outcome": outcome, "justification": justification, "reflected_in": paragraph.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == answer_url(paper)  # the next one still waiting
    stored = OfficialResponse.objects.get(comment=comment)
    assert stored.outcome == outcome
    assert stored.justification == justification
    assert stored.reflected_in == paragraph
    assert stored.responded_by == official
    assert stored.history.get().history_user == official


def test_a_position_paper_is_answered_and_then_back_to_the_list(official, paper, login):
    client = login(official)
    response = client.post(answer_url(paper), {"outcome": "accepted"}, follow=True)
    assert response.redirect_chain[-1][0] == list_url(paper.consultation)
    assert OfficialResponse.objects.get(position_paper=paper).outcome == "accepted"
    page = response.content.decode()
    assert "Every submission of this consultation has an answer." in page
    assert f"Your answer to {paper.tracking_number}" in page


@pytest.mark.parametrize("outcome", ["rejected", "partially"])
def test_rejection_without_justification_is_a_form_error_and_nothing_is_stored(
    outcome, official, comment, login
):
    response = login(official).post(
        answer_url(comment), {"outcome": outcome, "justification": "   "}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "the law asks for the reason" in form.errors["justification"][0]
    assert 'class="error-summary"' in response.content.decode()
    assert not OfficialResponse.objects.exists()


@pytest.mark.parametrize(
    "data,field",
    [
        ({}, "outcome"),
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": "accepted", "reflected_in": "999999"}, "reflected_in"),
        ({"outcome": "noted", "justification": "ë" * 6000}, "justification"),
    ],
)
def test_bad_answers_are_refused_with_a_field_error(data, field, official, comment, login):
    response = login(official).post(answer_url(comment), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not OfficialResponse.objects.exists()


def test_an_article_of_another_consultation_cannot_be_chosen(
    official, institution, comment, draft_md, login
):
    from proposals.services import proposal_import

    other = proposal_import(
        actor=official,
        consultation=f.ConsultationFactory(institution=institution),
        data=draft_md,
        filename="d.md",
    )
    foreign = other.sections.get(key="neni-1")
    response = login(official).post(
        answer_url(comment), {"outcome": "accepted", "reflected_in": foreign.pk}
    )
    assert response.status_code == 400
    assert not OfficialResponse.objects.exists()


def test_changing_an_answer_keeps_its_history(official, staff, comment, login):
    login(official).post(
        answer_url(comment), {"outcome": "rejected", "justification": "Nuk pranohet."}
    )
    login(staff).post(answer_url(comment), {"outcome": "accepted", "justification": ""})
    stored = OfficialResponse.objects.get()
    assert stored.outcome == "accepted" and stored.responded_by == staff
    records = list(stored.history.order_by("history_date"))
    assert [(r.outcome, r.history_user) for r in records] == [
        ("rejected", official),
        ("accepted", staff),
    ]
    page = login(official).get(answer_url(comment))
    assert page.status_code == 200
    assert [r.outcome for r in page.context["history"]] == ["accepted", "rejected"]
    html = page.content.decode()
    assert "Nuk pranohet." in html and str(official) in html and str(staff) in html
    assert page.context["form"].initial["outcome"] == "accepted"


@pytest.mark.parametrize("language", ["sq", "sr-latn", "en"])
def test_the_submitter_is_emailed_in_their_language(
    language, official, proposal, login, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    from django.utils import translation

    author = f.UserFactory(preferred_language=language)
    submission = make_comment(author, proposal)
    mailoutbox.clear()
    languages = []
    real_render = notifications.render_to_string

    def recording_render(*args, **kwargs):
        languages.append(translation.get_language())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(notifications, "render_to_string", recording_render)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(official).post(
            answer_url(submission), {"outcome": "rejected", "justification": "Nuk pranohet."}
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [author.email]
    assert submission.tracking_number in mail.subject
    assert "Nuk pranohet." in mail.body
    assert set(languages) == {language}
    assert OfficialResponse.objects.get().notified_at is not None


def test_withheld_answers_are_emailed_only_with_the_report(
    official, comment, login, django_capture_on_commit_callbacks, mailoutbox
):
    consultation = comment.consultation
    Consultation.objects.filter(pk=consultation.pk).update(
        responses_visibility=Consultation.ResponsesVisibility.WITH_REPORT
    )
    mailoutbox.clear()
    client = login(official)
    page = client.get(answer_url(comment))
    assert "answers are published with the report" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_url(comment), {"outcome": "accepted"}, follow=True)
    assert "when the consultation report is published" in response.content.decode()
    assert mailoutbox == []
    assert OfficialResponse.objects.get().notified_at is None
    assert notifications.notify_pending_responses() == 0  # still withheld
    assert mailoutbox == []

    Consultation.objects.filter(pk=consultation.pk).update(
        status=Consultation.Status.REPORT_PUBLISHED
    )
    consultation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.responses_publish_all(consultation=consultation)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [comment.author.email]


def test_answers_cannot_be_given_when_the_consultation_is_withdrawn(official, comment, login):
    Consultation.objects.filter(pk=comment.consultation_id).update(
        status=Consultation.Status.WITHDRAWN, withdrawal_reason="Rishikim."
    )
    client = login(official)
    page = client.get(answer_url(comment))
    assert page.status_code == 200
    assert not page.context["can_answer"]
    assert 'name="outcome"' not in page.content.decode()
    response = client.post(answer_url(comment), {"outcome": "accepted"})
    assert response.status_code == 403
    assert not OfficialResponse.objects.exists()


def test_the_page_shows_the_submission_in_full(official, comment, login):
    page = login(official).get(answer_url(comment))
    html = page.content.decode()
    assert comment.body_html in html
    assert comment.author.email in html  # officials see who sent it
    # the proposed wording as a word diff against the paragraph's current text
    assert str(page.context["diff_html"]) == (
        "Strategjia zbatohet për të gjitha ministritë<ins> dhe komunat</ins>."
    )
    assert "<ins>" in html
    # and ready to copy into the next version
    assert 'id="proposed-wording"' in html and "readonly" in html
    assert comment.proposed_wording in html
    assert "Article 1: Qëllimi › Paragraph 2" in html


def test_the_paper_page_shows_summary_points_and_pdf(official, paper, login):
    client = login(official)
    page = client.get(answer_url(paper))
    html = page.content.decode()
    assert paper.summary in html and "Neni 1 duhet të përmendë komunat." in html
    pdf_url = reverse(
        "submissions:paper_pdf",
        kwargs={"slug": paper.consultation.slug, "tracking_number": paper.tracking_number},
    )
    assert pdf_url in html
    download = client.get(pdf_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert f'filename="{paper.tracking_number}.pdf"' in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_lowercase_tracking_number_redirects(official, comment, login):
    url = answer_url(comment).replace(comment.tracking_number, comment.tracking_number.lower())
    response = login(official).get(url)
    assert response.status_code == 302 and response["Location"] == answer_url(comment)


def test_reflected_in_offers_current_articles_and_paragraphs(official, comment, login):
    page = login(official).get(answer_url(comment))
    choices = dict(page.context["form"].fields["reflected_in"].choices)
    groups = [value for value in choices.values() if isinstance(value, list)]
    labels = [label for group in groups for _value, label in group]
    assert "Article 1: Qëllimi" in labels
    assert "Article 1: Qëllimi › Paragraph 2" in labels
    assert not any(label.startswith("Chapter") for label in labels)


def test_answer_page_query_count(official, comment, paper, login, django_assert_max_num_queries):
    client = login(official)
    client.post(answer_url(comment), {"outcome": "rejected", "justification": "Jo."})
    client.post(answer_url(comment), {"outcome": "noted"})
    # session, user, memberships, consultation, submission (+ points), sections to choose,
    # the article's text, the answer's history
    for submission in (comment, paper):
        with django_assert_max_num_queries(9):
            assert client.get(answer_url(submission)).status_code == 200
