"""One person's journey, through the test client: they follow a ministry, get the email when its
consultation opens and when their comment is answered, and unsubscribe from the link."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from proposals import services as proposal_services
from subscriptions.models import Subscription
from tests import factories as f

from .conftest import client_as, draft_with_document, run_jobs

pytestmark = pytest.mark.django_db


def test_follow_a_ministry_get_the_emails_and_unsubscribe(
    institution, official, django_capture_on_commit_callbacks
):
    person = f.UserFactory(preferred_language="en", display_name="Arta Morina")
    browser = client_as(person)

    # 1. The ministry's page has a follow button; following it.
    page = browser.get(f"/institutions/{institution.slug}/")
    assert page.status_code == 200
    assert "Follow this institution" in page.content.decode()
    response = browser.post(
        reverse("subscriptions:follow"),
        {"target_type": "institution", "target": institution.pk, "next": page.request["PATH_INFO"]},
    )
    assert (
        response.status_code == 302 and response["Location"] == f"/institutions/{institution.slug}/"
    )
    assert "Stop following" in browser.get(response["Location"]).content.decode()
    mine = browser.get(reverse("subscriptions:mine")).content.decode()
    assert institution.name in mine

    # 2. The ministry opens a consultation: the email comes from the job, not the request.
    consultation = draft_with_document(institution, title="Projektligji për shëndetin publik")
    consultation.proposals.all().delete()
    proposal = proposal_services.proposal_import(
        actor=official, consultation=consultation, data=f.SAMPLE_DRAFT_MD.encode(), filename="d.md"
    )
    ministry = client_as(official)
    assert ministry.post(f"/workspace/{consultation.slug}/open/").status_code == 302
    assert mail.outbox == []
    run_jobs()
    (opened,) = mail.outbox
    assert opened.to == [person.email]
    assert opened.subject == "Open for comments: Projektligji për shëndetin publik"
    unsubscribe_url = opened.extra_headers["List-Unsubscribe"][1:-1]
    assert unsubscribe_url in opened.body

    # 3. They comment on an article; the ministry answers; the answer is emailed.
    comment_url = reverse(
        "comments:comment_new", kwargs={"slug": consultation.slug, "proposal": proposal.slug}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            comment_url,
            {
                "stance": "against",
                "body": "Neni 3 duhet të përfshijë edhe qendrat e mjekësisë familjare.",
                "consent": "name",
                "participant_type": "citizen",
                "section": "neni-3",
                "token": "",
            },
        )
    assert response.status_code == 302
    receipt = mail.outbox[-1]
    number = re.search(r"KON-\d{4}-\d+", receipt.subject).group(0)
    mail.outbox.clear()
    answer_url = reverse(
        "submissions:answer", kwargs={"slug": consultation.slug, "tracking_number": number}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = ministry.post(answer_url, {"outcome": "accepted", "justification": ""})
    assert response.status_code == 302
    (answered,) = mail.outbox
    assert answered.to == [person.email]
    assert number in answered.subject
    run_jobs()
    assert len(mail.outbox) == 1  # the answer was not sent twice

    # 4. Signed out, the link in the first email stops following the ministry.
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    path = unsubscribe_url.replace("https://konsulta.example", "")
    confirm = anonymous.get(path)
    assert confirm.status_code == 200
    assert f"Stop following “{institution.name}”" in confirm.content.decode()
    done = anonymous.post(path)
    assert done.status_code == 200
    assert not Subscription.objects.filter(user=person).exists()
