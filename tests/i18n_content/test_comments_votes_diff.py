"""Comments and votes belong to sections whatever the language they were read in; versions are
compared per language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comments.models import Comment
from proposals.models import Vote
from proposals.services import proposal_version_publish
from tests import factories as f

from .conftest import SAMPLE_DRAFT_V2_SR_MD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.COMMENT_RATE_LIMIT = "1000/600"


def section_url(proposal, key="neni-1"):
    return reverse(
        "proposals:section",
        kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug, "key": key},
    )


def test_a_comment_written_while_reading_serbian_is_on_the_same_article(
    translated, reader, citizen
):
    serbian = reader("sr-latn", user=citizen)
    page = serbian.get(section_url(translated, "neni-3")).content.decode()
    assert "Javno finansiranje" in page and 'name="section" value="neni-3"' in page
    response = serbian.post(
        reverse(
            "comments:comment_new",
            kwargs={"slug": translated.consultation.slug, "proposal": translated.slug},
        ),
        {
            "stance": "against",
            "body": "Pozivi treba da budu objavljeni i na srpskom jeziku.",
            "consent": "name",
            "participant_type": "citizen",
            "section": "neni-3",
            "token": "",
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.section.key == "neni-3"
    # The Albanian reader sees it under the same article, with its text in Albanian.
    html = reader("sq").get(section_url(translated, "neni-3")).content.decode()
    assert "Pozivi treba da budu objavljeni i na srpskom jeziku." in html
    assert "Financimi publik" in html
    # And the count on the whole draft is the same in every language.
    counts = [
        reader(language).get(translated.get_absolute_url()).content.decode()
        for language in ("sq", "sr-latn", "en")
    ]
    marker = reverse(
        "proposals:section",
        kwargs={"slug": translated.consultation.slug, "proposal": translated.slug, "key": "neni-3"},
    )
    for html in counts:
        assert marker in html


def test_a_vote_cast_in_serbian_counts_on_the_same_article(translated, reader, citizen):
    serbian = reader("sr-latn", user=citizen)
    response = serbian.post(
        reverse(
            "proposals:vote",
            kwargs={"slug": translated.consultation.slug, "proposal": translated.slug},
        ),
        {"choice": "for", "section": "neni-2"},
    )
    assert response.status_code == 302
    vote = Vote.objects.get()
    assert vote.section.key == "neni-2"
    api = reader("en").get(
        f"/api/v1/consultations/{translated.consultation.slug}/proposals/{translated.slug}/"
    )
    rows = {row["key"]: row for row in api.json()["sections"]}
    assert rows["neni-2"]["tally"]["for"] == 1


# --- per-language comparison of versions -------------------------------------------------------


@pytest.fixture
def two_versions(translated, translate, official):
    proposal_version_publish(
        actor=official,
        proposal=translated,
        data=f.SAMPLE_DRAFT_V2_MD.encode(),
        filename="v2.md",
        note="Versioni i dytë",
    )
    translated.refresh_from_db()
    return translated


def diff_url(proposal, **query):
    url = reverse(
        "proposals:diff", kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug}
    )
    query = {"from": 1, "to": 2, **query}
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_the_diff_in_serbian_when_both_versions_are_translated(two_versions, translate, reader):
    translate(two_versions, SAMPLE_DRAFT_V2_SR_MD)
    html = reader("en").get(diff_url(two_versions, text="sr-latn")).content.decode()
    assert "i nezavisne agencije</ins>" in html
    assert "Godišnje izveštavanje" in html  # the new article 3, in Serbian
    assert "agjencitë e pavarura" not in html
    assert "has no translation" not in html
    # The Albanian diff is still there.
    html = reader("sq").get(diff_url(two_versions)).content.decode()
    assert "dhe agjencitë e pavarura</ins>" in html
    # A Serbian reader gets the Serbian diff without asking.
    html = reader("sr-latn").get(diff_url(two_versions)).content.decode()
    assert "i nezavisne agencije</ins>" in html
    # The compare form keeps an explicit choice.
    html = reader("en").get(diff_url(two_versions, text="sr-latn")).content.decode()
    assert '<input type="hidden" name="text" value="sr-latn">' in html


def test_the_diff_says_when_a_version_is_not_translated(two_versions, reader):
    response = reader("en").get(diff_url(two_versions, text="sr-latn"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Version 2 has no translation into Serbian (Latin)" in html
    assert "compared in their original language (Shqip)" in html
    assert "dhe agjencitë e pavarura</ins>" in html  # the original comparison
    assert "Read in:" not in html  # no language both versions have but the original


def test_the_diff_between_untranslated_versions(two_versions, reader):
    html = reader("en").get(diff_url(two_versions, text="en")).content.decode()
    assert "Neither version has a translation into English" in html
