"""Search: Albanian and Serbian letters folded, public data only, filters, pages, a fixed number
of queries; the page, the header box and the API. Runs on whichever DATABASE_URL is set
(PostgreSQL full-text search with unaccent, or the SQLite fallback)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comments import services as comment_services
from comments.models import Consent
from search import selectors
from search.fold import fold, terms
from search.selectors import SearchQuery
from tests import factories as f

pytestmark = pytest.mark.django_db

BODY = "Përgjegjësia për çmimin e biletës duhet të jetë e qartë në nenin 3."


def _comment(proposal, body=BODY, consent=Consent.NAME, **kwargs):
    author = kwargs.pop("author", None) or f.UserFactory(display_name="Arbëresha Krasniqi")
    return comment_services.comment_create(
        actor=author,
        proposal=proposal,
        body=body,
        stance="against",
        consent=consent,
        participant_type="citizen",
        **kwargs,
    )


def test_fold_keeps_length_and_strips_diacritics():
    text = "Përgjegjësi ÇMIM čćšžđ Ђ"
    assert fold(text) == "pergjegjesi cmim ccszd ђ"
    assert len(fold(text)) == len(text)
    assert terms("  Çmim, çmim; PËRGJEGJËSI_x ") == ["cmim", "pergjegjesi", "x"]


@pytest.mark.parametrize(
    "query", ["pergjegjesia", "përgjegjësia", "PERGJEGJESIA", "Përgjegj", "cmimin", "çmimin"]
)
def test_a_comment_is_found_with_or_without_its_diacritics(proposal, query):
    comment = _comment(proposal)
    page = selectors.search(SearchQuery(q=query, type="comment"))
    assert [r.url for r in page.results] == [
        reverse(
            "proposals:section",
            kwargs={
                "slug": comment.consultation.slug,
                "proposal": proposal.slug,
                "key": comment.section.key,
            },
        )
        + f"#comment-{comment.pk}"
        if comment.section_id
        else reverse(
            "comments:draft_comments",
            kwargs={"slug": comment.consultation.slug, "proposal": proposal.slug},
        )
        + f"#comment-{comment.pk}"
    ]
    assert "<mark>" in page.results[0].snippet
    assert page.facets["comment"] == 1


def test_serbian_latin_letters_are_folded(proposal):
    _comment(proposal, body="Molim da red vožnje i obaveštenja budu objavljeni na srpskom.")
    assert selectors.search(SearchQuery(q="voznje obavestenja")).facets["comment"] == 1
    assert selectors.search(SearchQuery(q="vožnje")).facets["comment"] == 1


def test_every_word_must_match(proposal):
    _comment(proposal)
    assert selectors.search(SearchQuery(q="pergjegjesia qartë")).count == 1
    assert selectors.search(SearchQuery(q="pergjegjesia zzzqqq")).count == 0


def test_hidden_withdrawn_and_hidden_identity(proposal):
    shown = _comment(proposal, body="Kundërshtoj tarifat e reja, janë shumë të larta.")
    hidden = _comment(proposal, body="Kundërshtoj tarifat, teksti i fshehur nga moderimi.")
    comment_services.comment_hide(actor=f.moderator(), comment=hidden, reason="abuse")
    author = f.UserFactory(display_name="Vjollca Sekrete")
    withdrawn = _comment(proposal, body="Kundërshtoj tarifat, e tërhoqa.", author=author)
    comment_services.comment_withdraw(actor=author, comment=withdrawn)
    anonymous_author = f.UserFactory(display_name="Emri Fshehur")
    anonymous = _comment(
        proposal,
        body="Kundërshtoj tarifat pa emër.",
        consent=Consent.HIDDEN,
        author=anonymous_author,
    )

    page = selectors.search(SearchQuery(q="kundershtoj tarifat"))
    found = {r.url.rsplit("-", 1)[1] for r in page.results}
    assert found == {str(shown.pk), str(anonymous.pk)}
    by_pk = {r.url.rsplit("-", 1)[1]: r for r in page.results}
    assert "Emri Fshehur" not in by_pk[str(anonymous.pk)].title
    assert by_pk[str(anonymous.pk)].byline.endswith(f"#{anonymous.participant.number}")
    # A name is never searchable, shown or not.
    assert selectors.search(SearchQuery(q="Fshehur")).facets["comment"] == 0
    assert selectors.search(SearchQuery(q="Arbëresha")).facets["comment"] == 0


def test_draft_consultations_are_not_searched(institution):
    f.ConsultationFactory(
        institution=institution, status="draft", title="Projektrregullore sekrete"
    )
    assert selectors.search(SearchQuery(q="projektrregullore")).count == 0


def test_consultations_articles_institutions_and_filters(proposal, other_institution):
    consultation = proposal.consultation
    page = selectors.search(SearchQuery(q=consultation.title.split()[0]))
    assert page.facets["consultation"] >= 1
    # The draft's articles are found by their text.
    word = next(w for w in f.SAMPLE_DRAFT_MD.split() if len(w) > 7 and w.isalpha())
    assert selectors.search(SearchQuery(q=word, type="article")).facets["article"] >= 1
    # Institutions by name, folded.
    name = consultation.institution.name
    assert selectors.search(SearchQuery(q=fold(name), type="institution")).count >= 1
    # Filters: another institution, a status, a year.
    mine = SearchQuery(q=word, institution=consultation.institution.slug)
    theirs = SearchQuery(q=word, institution=other_institution.slug)
    assert selectors.search(mine).count >= 1
    assert selectors.search(theirs).count == 0
    assert selectors.search(SearchQuery(q=word, status="open")).facets["article"] >= 1
    assert selectors.search(SearchQuery(q=word, status="closed")).count == 0
    year = consultation.opens_at.year
    assert selectors.search(SearchQuery(q=word, year=year)).count >= 1
    assert selectors.search(SearchQuery(q=word, year=year - 5)).count == 0
    # Filters on consultations leave institutions out.
    assert "institution" not in selectors.search(SearchQuery(q=name, status="open")).facets


def test_pages_and_query_count_do_not_grow(proposal, django_assert_max_num_queries):
    for n in range(3):
        _comment(proposal, body=f"Transparenca numër {n} kërkon përgjegjësi.")

    def run(page=1):
        with django_assert_max_num_queries(11):
            return selectors.search(SearchQuery(q="pergjegjesi", page=page))

    small = run()
    assert small.count == 3
    for n in range(selectors.PAGE_SIZE + 5):
        _comment(proposal, body=f"Transparenca tjetër {n} kërkon përgjegjësi.")
    first, second = run(1), run(2)
    assert first.count == 3 + selectors.PAGE_SIZE + 5
    assert first.pages == 2 and len(first.results) == selectors.PAGE_SIZE
    assert len(second.results) == 8
    assert not {r.url for r in first.results} & {r.url for r in second.results}
    assert run(99).page == 2  # past the end: the last page


def test_search_page_and_header_box(client, proposal):
    _comment(proposal)
    home = client.get("/")
    assert 'role="search"' in home.content.decode()
    assert reverse("search:search") in home.content.decode()
    response = client.get(reverse("search:search"), {"q": "pergjegjesia"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 result for “pergjegjesia”" in html
    assert "<mark>Përgjegjësia</mark>" in html
    assert "Comment by Arbëresha Krasniqi" in html
    empty = client.get(reverse("search:search"), {"q": "zzzqqq"})
    assert "Nothing found for “zzzqqq”" in empty.content.decode()


def test_bad_input_gets_a_clear_error(client):
    response = client.get(reverse("search:search"), {"q": "x" * 201})
    assert response.status_code == 400
    assert "Search with at most 200 characters." in response.content.decode()
    response = client.get(reverse("search:search"), {"q": "a", "type": "nonsense"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    api = client.get("/api/v1/search/", {"q": "a", "year": "abc", "page": "0"})
    assert api.status_code == 400
    assert set(api.json()) == {"year", "page"}


def test_api(client, proposal):
    _comment(proposal, consent=Consent.HIDDEN)
    response = client.get("/api/v1/search/", {"q": "cmimin"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1 and data["pages"] == 1 and data["facets"]["comment"] == 1
    (result,) = data["results"]
    assert result["type"] == "comment"
    assert "çmimin" in result["snippet"] and "<mark>çmimin</mark>" in result["snippet_html"]
    assert result["byline"].startswith("Participant #")
    assert result["consultation"]["slug"] == proposal.consultation.slug
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/search/" in schema


def test_a_position_paper_is_found_by_a_word_in_its_pdf(proposal):
    """The issue asks for position papers' text: the words of the PDF are searched too, and the
    snippet then comes from the PDF."""
    from comments.services import position_paper_submit
    from tests.comments.conftest import make_pdf

    cso = f.OrganisationFactory()
    representative = f.representative_of(cso)
    position_paper_submit(
        actor=representative,
        consultation=proposal.consultation,
        organisation=cso,
        title="Qendrimi i organizates",
        summary="Kerkojme ndryshime ne nenin 2.",
        pdf=make_pdf("Transparenca buxhetore eshte kusht per mbikeqyrjen komunale"),
    )
    page = selectors.search(SearchQuery(q="mbikëqyrjen", type="paper"))
    assert page.facets["paper"] == 1
    assert "<mark>mbikeqyrjen</mark>" in page.results[0].snippet
