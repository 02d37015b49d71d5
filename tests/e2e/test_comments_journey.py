"""The comments journey in a real browser against a real ASGI server.

A citizen comments on an article with a stance and a proposed wording; another replies in the
thread and reacts; a CSO representative submits a position paper with a PDF and gets a receipt;
a moderator works the queue; an official answers every submission and the submitters get their
emails. Pages are driven in English (the language cookie).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from tests import factories as f
from tests.comments.conftest import make_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PASSWORD = "kalimi-sekret-123"


def sign_in(browser, server_url, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "konsulta_language", "value": "en", "url": server_url}])
    page = context.new_page()
    page.goto(f"{server_url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    return page


@pytest.fixture
def proposal(transactional_db, draft_md):
    from proposals.services import proposal_import

    consultation = f.ConsultationFactory()
    official = f.official_of(consultation.institution)
    return proposal_import(
        actor=official, consultation=consultation, data=draft_md, filename="draft.md"
    )


def test_comment_reply_react_position_paper_moderate_and_answer(
    server_url, browser, proposal, tmp_path
):
    from comments.models import Comment, OfficialResponse, PositionPaper

    consultation = proposal.consultation
    official = consultation.institution.memberships.get().user
    citizen = f.UserFactory(display_name="Arta Krasniqi")
    neighbour = f.UserFactory(display_name="Blerim Shala")
    flaggers = [f.UserFactory() for _ in range(1)]
    cso = f.OrganisationFactory(name="Lëvizja për Transparencë")
    representative = f.representative_of(cso)
    moderator = f.UserFactory()
    moderator.groups.add(Group.objects.get_or_create(name="moderators")[0])
    article_url = f"{server_url}{proposal.get_absolute_url()}articles/neni-1/"
    mail.outbox.clear()

    # 1. A citizen comments on article 1 with a stance and a proposed wording.
    page = sign_in(browser, server_url, citizen)
    page.goto(article_url)
    page.check("input[name=stance][value=against]")
    page.fill("textarea[name=body]", "Neni duhet të përfshijë edhe komunat, jo vetëm ministritë.")
    page.fill(
        "textarea[name=proposed_wording]",
        "Kjo strategji përcakton parimet e bashkëpunimit ndërmjet ministrive, komunave "
        "dhe shoqërisë civile.",
    )
    page.check("input[name=consent][value=name]")
    page.check("input[name=participant_type][value=citizen]")
    page.get_by_role("button", name="Publish the comment").click()
    page.wait_for_load_state()
    comment = Comment.objects.get(author=citizen)
    assert comment.section.key == "neni-1" and comment.stance == "against"
    assert comment.tracking_number in page.locator("main").inner_text()
    page.context.close()

    # 2. Another person replies in the thread and agrees with the comment.
    page = sign_in(browser, server_url, neighbour)
    page.goto(f"{article_url}#comment-{comment.pk}")
    thread = page.locator(f"#comment-{comment.pk}")
    assert "Arta Krasniqi" in thread.inner_text()
    assert thread.locator("ins").count() >= 1  # the proposed wording, shown as a diff
    thread.get_by_role("button", name=re.compile("^Agree")).click()
    page.wait_for_load_state()
    page.goto(f"{server_url}{proposal.get_absolute_url()}comments/new/?parent={comment.pk}")
    page.check("input[name=stance][value=for]")
    page.fill("textarea[name=body]", "Pajtohem: komunat zbatojnë shumicën e masave.")
    page.check("input[name=consent][value=hidden]")
    page.check("input[name=participant_type][value=citizen]")
    page.get_by_role("button", name="Publish the reply").click()
    page.wait_for_load_state()
    reply = Comment.objects.get(author=neighbour)
    assert reply.parent == comment and reply.depth == 1
    comment.refresh_from_db()
    assert comment.agree_count == 1
    page.context.close()

    # Someone flags the reply; the moderator will review it.
    from comments import services

    services.flag_create(actor=flaggers[0], comment=reply, reason="off_topic")

    # 3. A CSO representative submits a position paper with a PDF and gets a receipt.
    pdf = tmp_path / "qendrimi.pdf"
    pdf.write_bytes(make_pdf("Qendrimi i organizates per nenin 1"))
    page = sign_in(browser, server_url, representative)
    page.goto(f"{server_url}/consultations/{consultation.slug}/position-papers/new/")
    page.fill("input[name=title]", "Qëndrimi i Lëvizjes për Transparencë")
    page.fill("textarea[name=summary]", "Kërkojmë afate më të gjata dhe raportim publik.")
    page.set_input_files("input[name=attachment]", str(pdf))
    page.get_by_role("button", name="Submit the position paper").click()
    page.wait_for_load_state()
    paper = PositionPaper.objects.get(organisation=cso)
    assert paper.tracking_number in page.locator("main").inner_text()
    assert any(paper.tracking_number in m.subject for m in mail.outbox)  # the receipt
    page.context.close()

    # 4. The moderator works the queue: the flagged reply is hidden with a reason.
    page = sign_in(browser, server_url, moderator)
    page.goto(f"{server_url}/workspace/moderation/")
    details = page.locator("details").filter(has_text=reply.tracking_number).first
    details.locator("summary").click()
    card = details.locator(f"form[action*='{reply.tracking_number}/hide']")
    card.locator("select[name=reason]").select_option("off_topic")
    card.get_by_role("button", name="Hide the comment").click()
    page.wait_for_load_state()
    reply.refresh_from_db()
    assert reply.status == "hidden" and reply.hidden_reason == "off_topic"
    page.context.close()

    # 5. The official answers every submission; the submitters get their emails.
    mail.outbox.clear()
    page = sign_in(browser, server_url, official)
    answers = [
        (comment.tracking_number, "partially", "Komunat shtohen te neni 2."),
        (reply.tracking_number, "noted", ""),
        (paper.tracking_number, "rejected", "Afatet i përcakton rregullorja e Qeverisë."),
    ]
    for number, outcome, justification in answers:
        page.goto(f"{server_url}/workspace/{consultation.slug}/submissions/{number}/answer/")
        page.check(f"input[name=outcome][value={outcome}]")
        if justification:
            page.fill("textarea[name=justification]", justification)
        page.get_by_role("button", name="Save the answer").click()
        page.wait_for_load_state()
    assert OfficialResponse.objects.filter(consultation=consultation).count() == 3
    page.goto(f"{server_url}/workspace/{consultation.slug}/submissions/?answered=no")
    assert Comment.objects.filter(consultation=consultation, response__isnull=True).count() == 0
    page.context.close()

    recipients = {address for m in mail.outbox for address in m.to}
    assert {citizen.email, neighbour.email, representative.email} <= recipients
