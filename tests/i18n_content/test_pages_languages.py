"""The main pages, forms' errors and emails, read in Albanian and in Serbian (Latin): no English
source string shows through.

The check: every English source string (a msgid of our catalogues, allauth's and Django's)
whose translation into the page's language differs from the English must not be a piece of the
page's visible text (text nodes, and the ``placeholder``, ``title``, ``aria-label``, ``alt`` and
button values). Parts marked with another ``lang`` (the language switcher, a text shown in
another language) are left out. A list of common English interface words is also looked for
as whole words in the visible text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import django
import lxml.html
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from comments import services as comment_services
from reports import services as report_services
from tests import factories as f
from tests.reports.conftest import build_round

from .po import ROOT, catalogues, read_po

pytestmark = pytest.mark.django_db

LANGUAGES = {"sq": "sq", "sr-latn": "sr_Latn"}
ENGLISH_WORDS = [
    "Sign in", "Sign up", "Sign out", "Submit", "Password", "Forgot", "Comment", "Comments",
    "Consultation", "Consultations", "Article", "Report", "Workspace", "Language",
    "Send", "Save", "Cancel", "Download", "Required", "This field is required",
]  # fmt: skip
ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


def _norm(text: str) -> str:
    return " ".join(text.split())


@cache
def english_strings(locale: str) -> frozenset[str]:
    """English source strings whose ``locale`` translation is different."""
    paths = list(catalogues(locale))
    django_dir = Path(django.__file__).parent
    paths += [
        django_dir / "conf" / "locale" / locale / "LC_MESSAGES" / "django.po",
        django_dir / "contrib" / "auth" / "locale" / locale / "LC_MESSAGES" / "django.po",
    ]
    found = set()
    for path in paths:
        if not path.exists() or path.stem != "django":
            continue
        ours = not path.is_relative_to(django_dir)
        for e in read_po(path):
            if not ours and " " not in e.msgid:
                continue  # Django's single words are mostly language names ("Nepali").
            if not e.msgid or not e.translated or e.msgid_plural:
                continue
            msgid, msgstr = _norm(e.msgid), _norm(e.msgstr[0])
            # Placeholders cannot be matched in a rendered page; very short ids are too often
            # the same in both languages (codes, "OK").
            if msgid != msgstr and len(msgid) > 3 and "%" not in msgid and "{" not in msgid:
                found.add(msgid)
    return frozenset(found)


def visible_texts(html: str, language: str) -> list[str]:
    doc = lxml.html.document_fromstring(html)
    for bad in doc.xpath("//script|//style|//template"):
        bad.drop_tree()
    for other in doc.xpath("//body//*[@lang]"):
        if other.get("lang", "").lower() != language.lower():
            other.drop_tree()
    texts = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name in ATTRIBUTES:
            if el.get(name):
                texts.append(_norm(el.get(name)))
        if el.tag == "input" and el.get("type") in ("submit", "button") and el.get("value"):
            texts.append(_norm(el.get("value")))
        if el.tag == "title":
            texts.append(_norm(el.text or ""))
    body = doc.find("body")
    for el in body.iter() if body is not None else []:
        if not isinstance(el.tag, str):
            continue
        for text in (el.text, el.tail):
            if text and text.strip():
                texts.append(_norm(text))
    return [t for t in texts if t]


def leaks(html: str, language: str) -> set[str]:
    english = english_strings(LANGUAGES[language])
    texts = visible_texts(html, language)
    found = {t for t in texts if t in english or t.rstrip(".:") in english}
    joined = "\n".join(texts)
    for word in ENGLISH_WORDS:
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", joined):
            found.add(word)
    return found


def reader(language: str, user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["konsulta_language"] = language
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(institution, official):
    # Built as an Albanian-speaking institution would (texts stored from its messages, such as
    # a version's default note, are content, in the official's language).
    with translation.override("sq"):
        r = build_round(institution, official)
        report_services.report_publish(actor=official, consultation=r.consultation)
    return r


def pages(world) -> dict[str, tuple[str, str, dict | None]]:
    """name -> (method, url, data)."""
    c, p = world.consultation, world.proposal
    return {
        "home": ("get", reverse("consult:home"), None),
        "list": ("get", reverse("consult:list"), None),
        "consultation": ("get", reverse("consult:detail", kwargs={"slug": c.slug}), None),
        "draft": (
            "get",
            reverse("proposals:detail", kwargs={"slug": c.slug, "proposal": p.slug}),
            None,
        ),
        "article": (
            "get",
            reverse(
                "proposals:section", kwargs={"slug": c.slug, "proposal": p.slug, "key": "neni-1"}
            ),
            None,
        ),
        "comments": (
            "get",
            reverse("comments:draft_comments", kwargs={"slug": c.slug, "proposal": p.slug}),
            None,
        ),
        "report": ("get", reverse("reports:detail", kwargs={"slug": c.slug}), None),
        "login": ("get", reverse("account_login"), None),
        "login-error": (
            "post",
            reverse("account_login"),
            {"login": "nobody@example.org", "password": "wrong-password"},
        ),
        "signup": ("get", reverse("account_signup"), None),
        "signup-error": (
            "post",
            reverse("account_signup"),
            {"email": "not-an-address", "password1": "short", "password2": "other"},
        ),
        "password-reset": ("get", reverse("account_reset_password"), None),
        "password-reset-error": (
            "post",
            reverse("account_reset_password"),
            {"email": "not-an-address"},
        ),
    }


PAGE_NAMES = [
    "home", "list", "consultation", "draft", "article", "comments", "report", "login",
    "login-error", "signup", "signup-error", "password-reset", "password-reset-error",
]  # fmt: skip


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_public_and_account_pages_have_no_english(world, name, language):
    method, url, data = pages(world)[name]
    english = getattr(reader("en"), method)(url, data or {})
    response = getattr(reader(language), method)(url, data or {})
    assert response.status_code == english.status_code
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert f'lang="{language}"' in html.split(">", 2)[1] or f'lang="{language}"' in html[:300]
    assert not leaks(html, language)
    # The English page is what the check is meant to catch: it does find its own words.
    assert leaks(english.content.decode(), language)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_comment_form_with_errors_has_no_english(world, citizen, language):
    p = world.proposal
    c = f.ConsultationFactory(institution=world.consultation.institution)
    from proposals.services import proposal_import

    p = proposal_import(
        actor=world.official, consultation=c, data=f.SAMPLE_DRAFT_MD.encode(), filename="d.md"
    )
    url = reverse("comments:comment_new", kwargs={"slug": c.slug, "proposal": p.slug})
    data = {"stance": "maybe", "body": "", "consent": "name", "participant_type": "citizen"}
    data |= {"section": "neni-1", "token": ""}
    english = reader("en", citizen).post(url, data)
    response = reader(language, citizen).post(url, data)
    assert response.status_code == english.status_code == 400
    assert "Write your comment; it cannot be empty." in english.content.decode()
    assert not leaks(response.content.decode(), language)
    # The comment form itself (no error), on the article's page.
    page = reader(language, citizen).get(
        reverse("proposals:section", kwargs={"slug": c.slug, "proposal": p.slug, "key": "neni-1"})
    )
    assert page.status_code == 200
    assert not leaks(page.content.decode(), language)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_workspace_pages_have_no_english(world, language):
    official, c = world.official, world.consultation
    for url in (
        reverse("workspace:home"),
        reverse("workspace:manage", kwargs={"slug": c.slug}),
        reverse("workspace:create"),
    ):
        response = reader(language, official).get(url)
        assert response.status_code == 200, url
        assert not leaks(response.content.decode(), language), url


# --- emails ----------------------------------------------------------------------------------


def _email_leaks(message, language: str) -> set[str]:
    english = english_strings(LANGUAGES[language])
    lines = {_norm(line) for line in [message.subject, *message.body.splitlines()]}
    found = {line for line in lines if line in english or line.rstrip(".:") in english}
    for word in ENGLISH_WORDS:
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", message.body + message.subject):
            found.add(word)
    return found


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_answer_email_in_the_persons_language(
    institution, official, language, mailoutbox, django_capture_on_commit_callbacks
):
    c = f.ConsultationFactory(institution=institution)
    from proposals.services import proposal_import

    p = proposal_import(
        actor=official, consultation=c, data=f.SAMPLE_DRAFT_MD.encode(), filename="d.md"
    )
    author = f.UserFactory(preferred_language=language)
    section = p.sections.get(key="neni-1")
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_services.comment_create(
            actor=author,
            proposal=p,
            section=section,
            stance="for",
            consent="name",
            participant_type="citizen",
            body="Mbështes nenin.",
        )
    from consult import services as consult_services

    consult_services.consultation_close(actor=official, consultation=c)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.response_set(
            actor=official, comment=comment, outcome="rejected", justification="Arsyeja."
        )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [author.email]
    assert not _email_leaks(message, language), message.subject + "\n" + message.body


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_password_reset_email_in_the_page_language(citizen, language, mailoutbox):
    response = reader(language).post(reverse("account_reset_password"), {"email": citizen.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert not _email_leaks(message, language), message.subject + "\n" + message.body


def test_the_check_reads_the_catalogues():
    # Guards the method: it knows the English of our pages and of allauth's.
    english = english_strings("sq")
    assert {"Forgot your password?", "Create an account", "Read in:"} <= english
    assert ROOT.exists()


# --- the report exported in each language ------------------------------------------------------


@pytest.mark.parametrize("language", ["sq", "sr-latn", "en"])
def test_report_csv_labels_in_each_language(world, language):
    import csv
    import io

    from reports.selectors import submission_row_headers

    c = world.consultation
    url = f"/consultations/{c.slug}/report.csv"
    response = reader("en").get(url, {"lang": language})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{language}.csv"')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    with translation.override(language):
        expected = {str(label) for label in submission_row_headers().values()}
    assert set(header) <= expected
    if language != "en":
        with translation.override("en"):
            english = {str(label) for label in submission_row_headers().values()}
        # Every label whose catalogue translation differs from the English is translated.
        assert not set(header) & (english - expected)
