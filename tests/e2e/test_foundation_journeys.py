"""The foundation's journeys in a real browser against a real ASGI server.

1. A person signs up, confirms the email from the message the platform sent, reads a
   consultation article by article, votes on an article and sees the tally.
2. An official imports a .docx draft, schedules and opens the consultation, publishes a second
   version, and anyone (a fresh anonymous browser) sees the difference.

The pages are driven in English (the language cookie) so that the selectors read like the
interface; other tests check the Albanian and Serbian pages.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def english(context, url):
    context.add_cookies([{"name": "konsulta_language", "value": "en", "url": url}])


def confirmation_link(outbox, email: str) -> str:
    message = next(m for m in reversed(outbox) if email in m.to)
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body)
    assert match, message.body
    return match.group(0)


def test_citizen_signs_up_verifies_reads_and_votes(server_url, page, proposal):
    consultation = proposal.consultation
    english(page.context, server_url)

    page.goto(f"{server_url}/accounts/signup/")
    page.fill("input[name=email]", "drita.berisha@example.org")
    page.fill("input[name=display_name]", "Drita Berisha")
    page.fill("input[name=password1]", "Një-fjalëkalim-i-fortë-2026")
    page.fill("input[name=password2]", "Një-fjalëkalim-i-fortë-2026")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))

    # The confirmation link from the email (console backend in `make run`, locmem here).
    link = confirmation_link(mail.outbox, "drita.berisha@example.org")
    page.goto(
        link.replace("http://testserver", server_url).replace("http://127.0.0.1:8000", server_url)
    )
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    # Read the consultation, then the draft article by article.
    page.goto(f"{server_url}{consultation.get_absolute_url()}")
    assert consultation.title in page.content()
    page.goto(f"{server_url}{proposal.get_absolute_url()}")
    article = page.locator("#neni-2")
    assert "Përkufizimet" in article.inner_text()
    toc = page.locator("nav").filter(has_text="Neni 3").first
    assert toc.count() == 1 or page.locator("a[href='#neni-3']").count() >= 1

    # Vote in favour of article 2 and see the tally change.
    article.get_by_role("button", name="In favour").click()
    page.wait_for_load_state()
    article = page.locator("#neni-2")
    # The tally may change first by the live event, before the form's answer has loaded.
    article.locator("[data-count=for]").filter(has_text="1").wait_for()
    expect(article.get_by_role("button", name="In favour")).to_have_attribute(
        "aria-pressed", "true"
    )

    from proposals.models import Vote

    vote = Vote.objects.get(section__key="neni-2")
    assert vote.user.email == "drita.berisha@example.org" and vote.choice == "for"


def docx_bytes(articles: list[tuple[str, str, str]]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Rregullore për transparencën komunale", level=0)
    document.add_paragraph("Kuvendi i Komunës, në mbështetje të Statutit, miraton:")
    for number, title, text in articles:
        document.add_paragraph(f"Neni {number}")
        document.add_paragraph(title)
        document.add_paragraph(f"1. {text}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_official_imports_opens_publishes_a_version_and_anyone_sees_the_diff(
    server_url, browser, page, institution, official, tmp_path
):
    english(page.context, server_url)
    page.goto(f"{server_url}/accounts/login/")
    page.fill("input[name=login]", official.email)
    page.fill("input[name=password]", "kalimi-sekret-123")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    # A new consultation in the workspace.
    page.goto(f"{server_url}/workspace/new/")
    opens = timezone.localtime() + dt.timedelta(days=1)
    closes = opens + dt.timedelta(days=40)
    page.fill("input[name=title]", "Rregullorja për transparencën në Komunën e Prishtinës")
    page.select_option("select[name=kind]", "regulation")
    page.fill("textarea[name=summary]", "Rregullorja përcakton publikimin e vendimeve.")
    page.fill("input[name=contact_name]", "Besa Gashi")
    page.fill("input[name=contact_email]", "besa.gashi@example.org")
    page.fill("input[name=opens_at]", opens.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=closes_at]", closes.strftime("%Y-%m-%dT%H:%M"))
    page.locator("form.ws-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/workspace/[\w-]+/$"))
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]

    # Import a Word document.
    path = tmp_path / "rregullore.docx"
    path.write_bytes(
        docx_bytes(
            [
                ("1", "Qëllimi", "Kjo rregullore përcakton publikimin e vendimeve të komunës."),
                ("2", "Afatet", "Vendimet publikohen brenda shtatë ditëve."),
                ("3", "Hyrja në fuqi", "Rregullorja hyn në fuqi pas miratimit."),
            ]
        )
    )
    page.goto(f"{server_url}/workspace/{slug}/drafts/new/")
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Import the document").click()
    page.wait_for_url(re.compile(rf"/workspace/{slug}/$"))
    assert "3" in page.locator("main").inner_text()

    # Schedule (opens tomorrow), then open it now.
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_url(re.compile(rf"/workspace/{slug}/$"))
    page.get_by_role("button", name="Open now").click()
    page.wait_for_url(re.compile(rf"/workspace/{slug}/$"))
    from consult.models import Consultation

    consultation = Consultation.objects.get(slug=slug)
    assert consultation.status == "open"
    proposal = consultation.proposals.get()

    # A second version: article 2 revised, article 4 added.
    revised = tmp_path / "rregullore-v2.md"
    revised.write_text(
        "# Rregullore për transparencën komunale\n\n"
        "Neni 1\nQëllimi\n\n1. Kjo rregullore përcakton publikimin e vendimeve të komunës.\n\n"
        "Neni 2\nAfatet\n\n1. Vendimet publikohen brenda tri ditëve në faqen e komunës.\n\n"
        "Neni 3\nHyrja në fuqi\n\n1. Rregullorja hyn në fuqi pas miratimit.\n\n"
        "Neni 4\nRaportimi\n\n1. Komuna raporton çdo vit për zbatimin.\n",
        encoding="utf-8",
    )
    page.goto(f"{server_url}/workspace/{slug}/drafts/{proposal.slug}/versions/new/")
    page.set_input_files("input[name=file]", str(revised))
    page.fill("textarea[name=note]", "Afatet u shkurtuan pas konsultimit; u shtua raportimi.")
    page.get_by_role("button", name="Publish the new version").click()
    page.wait_for_url(re.compile(r"/diff/\?from=1&to=2"))
    diff_url = page.url

    # Anyone: a fresh browser context without a session sees the same difference.
    anonymous = browser.new_context()
    english(anonymous, server_url)
    other = anonymous.new_page()
    other.goto(diff_url)
    body = other.locator("main")
    assert body.locator("ins").filter(has_text="tri").count() >= 1
    assert body.locator("del").filter(has_text="shtatë").count() >= 1
    assert "Raportimi" in body.inner_text()
    other.goto(f"{server_url}/consultations/{slug}/{proposal.slug}/versions/")
    assert "Afatet u shkurtuan" in other.locator("main").inner_text()
    anonymous.close()


@pytest.fixture
def proposal(transactional_db, draft_md):
    """An open consultation with the sample draft (created after the server's database is up)."""
    from proposals.services import proposal_import

    consultation = f.ConsultationFactory()
    official = f.official_of(consultation.institution)
    return proposal_import(
        actor=official, consultation=consultation, data=draft_md, filename="draft.md"
    )
