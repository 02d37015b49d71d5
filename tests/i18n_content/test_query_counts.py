"""Translations add no query to the reading pages: the translation rows are joined into the
query that loads the sections, and the languages a text has are read from the version already
loaded. The diff in another language reads its translation rows (one query per version)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals.services import proposal_import
from tests import factories as f
from tests.web.conftest import draft_markdown

pytestmark = pytest.mark.django_db


def serbian_markdown(n: int) -> str:
    """``draft_markdown(n)`` in Serbian: the same structure, other words."""
    text = draft_markdown(n, title="Nacrt zakona o pitanjima društva")
    for sq, sr in [
        ("KAPITULLI", "POGLAVLJE"),
        ("DISPOZITAT E PËRGJITHSHME", "OPŠTE ODREDBE"),
        ("ZBATIMI", "SPROVOĐENJE"),
        ("Neni", "Član"),
        ("Çështja", "Pitanje"),
        ("Ky nen përcakton rregullat e bashkëpunimit për çështjen", "Ovaj član uređuje pitanje"),
        (
            "Institucionet zbatojnë këtë dispozitë në përputhje me ligjin.",
            "Institucije ga sprovode.",
        ),
    ]:
        text = text.replace(sq, sr)
    return text


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def drafts(official, institution):
    """A draft of 5 and one of 40 articles, each with and without a Serbian translation."""
    from proposals.services import proposal_translation_import

    made = {}
    for n in (5, 40):
        for translated in (False, True):
            proposal = proposal_import(
                actor=official,
                consultation=f.ConsultationFactory(institution=institution),
                data=draft_markdown(n).encode(),
                filename="d.md",
            )
            if translated:
                proposal_translation_import(
                    actor=official,
                    proposal=proposal,
                    language="sr-latn",
                    data=serbian_markdown(n).encode(),
                    filename="d-sr.md",
                )
                proposal.refresh_from_db()
            made[(n, translated)] = proposal
    return made


def pages(proposal) -> dict[str, str]:
    kwargs = {"slug": proposal.consultation.slug, "proposal": proposal.slug}
    return {
        "draft": proposal.get_absolute_url(),
        "article": reverse("proposals:section", kwargs={**kwargs, "key": "neni-3"}),
        "consultation": proposal.consultation.get_absolute_url(),
    }


@pytest.mark.parametrize("language", ["sq", "sr-latn", "en"])
def test_reading_pages_cost_the_same_with_translations(drafts, reader, citizen, language):
    client = reader(language, user=citizen)
    client.get(drafts[(5, False)].get_absolute_url())  # warm the session
    for page in ("draft", "article", "consultation"):
        counts = {key: count(client, pages(p)[page]) for key, p in drafts.items()}
        assert len(set(counts.values())) == 1, (page, counts)
    html = client.get(drafts[(40, True)].get_absolute_url()).content.decode()
    assert ("Ovaj član uređuje pitanje 40." in html) is (language == "sr-latn")


def test_the_draft_page_stays_pinned(drafts, reader, citizen, django_assert_max_num_queries):
    client = reader("sr-latn", user=citizen)
    client.get(drafts[(5, False)].get_absolute_url())
    url = drafts[(40, True)].get_absolute_url() + "?text=sr-latn"
    # The same budget as tests/web/test_query_counts.py's pinned page.
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert "Ovaj član uređuje pitanje 40." in response.content.decode()


def test_the_diff_in_a_language_does_not_grow(official, institution, reader):
    from proposals.services import proposal_translation_import, proposal_version_publish

    def two_translated_versions(n):
        p = proposal_import(
            actor=official,
            consultation=f.ConsultationFactory(institution=institution),
            data=draft_markdown(n).encode(),
            filename="d.md",
        )
        sr = serbian_markdown(n)
        proposal_translation_import(
            actor=official, proposal=p, language="sr-latn", data=sr.encode(), filename="sr.md"
        )
        proposal_version_publish(
            actor=official,
            proposal=p,
            data=draft_markdown(n).replace("çështjen 2.", "çështjen e dytë.").encode(),
            filename="v2.md",
            note="v2",
        )
        proposal_translation_import(
            actor=official,
            proposal=p,
            language="sr-latn",
            data=sr.replace("pitanje 2.", "drugo pitanje.").encode(),
            filename="sr2.md",
        )
        return p

    small, big = two_translated_versions(4), two_translated_versions(40)
    client = reader("en")

    def url(p, language):
        kwargs = {"slug": p.consultation.slug, "proposal": p.slug}
        return reverse("proposals:diff", kwargs=kwargs) + f"?from=1&to=2&text={language}"

    assert count(client, url(small, "sr-latn")) == count(client, url(big, "sr-latn"))
    # Two more queries than the original comparison: the translation rows of each version.
    assert count(client, url(big, "sr-latn")) == count(client, url(big, "sq")) + 2
    html = client.get(url(big, "sr-latn")).content.decode()
    assert "drugo" in html and "<ins>" in html
