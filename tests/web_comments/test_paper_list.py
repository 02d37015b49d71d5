"""A consultation with many position papers: its page shows the newest few and their number;
the papers page lists them all, a page at a time, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import PositionPaper
from comments.templatetags.submissions import PAPERS_ON_CONSULTATION_PAGE
from comments.views import PAPERS_PAGE_SIZE
from tests import factories as f

pytestmark = pytest.mark.django_db


def bulk_papers(consultation, n: int, *, start: int = 0) -> list[PositionPaper]:
    """``n`` published papers, one a minute, plus a hidden one that no page may show."""
    organisation = f.OrganisationFactory()
    t0 = timezone.now() - dt.timedelta(days=2)
    papers = PositionPaper.objects.bulk_create(
        PositionPaper(
            consultation=consultation,
            organisation=organisation,
            title=f"Qëndrimi nr. {start + i}",
            summary="Përmbledhje.",
            attachment="position-papers/2026/x.pdf",
            attachment_size=1000,
            attachment_pages=1,
            tracking_number=f"KON-1999-P{start + i:05d}",
            status=PositionPaper.Status.PUBLISHED,
        )
        for i in range(n)
    )
    for i, paper in enumerate(papers):  # auto_now_add: set the times afterwards
        PositionPaper.objects.filter(pk=paper.pk).update(
            created_at=t0 + dt.timedelta(minutes=start + i)
        )
    PositionPaper.objects.create(
        consultation=consultation,
        organisation=organisation,
        title="Qëndrimi i fshehur",
        summary="-",
        attachment="position-papers/2026/y.pdf",
        tracking_number=f"KON-1999-H{start:05d}",
        status=PositionPaper.Status.HIDDEN,
    )
    return papers


def list_url(consultation, **query):
    url = reverse("comments:paper_list", kwargs={"slug": consultation.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_consultation_page_shows_the_newest_papers_and_their_number(
    client_for, open_consultation
):
    bulk_papers(open_consultation, 7)
    html = client_for(None).get(open_consultation.get_absolute_url()).content.decode()
    assert 'Position papers <span class="muted">(7)</span>' in html
    shown = [i for i in range(7) if f"Qëndrimi nr. {i}<" in html]
    assert shown == list(range(7 - PAPERS_ON_CONSULTATION_PAGE, 7))
    assert "All 7 position papers" in html and list_url(open_consultation) in html
    assert "Qëndrimi i fshehur" not in html


def test_no_link_when_all_papers_are_shown(client_for, open_consultation):
    bulk_papers(open_consultation, 2)
    html = client_for(None).get(open_consultation.get_absolute_url()).content.decode()
    assert "(2)" in html and "All 2 position papers" not in html


def test_the_papers_page_lists_them_all_a_page_at_a_time(client_for, open_consultation):
    n = PAPERS_PAGE_SIZE + 5
    bulk_papers(open_consultation, n)
    client = client_for(None)
    first = client.get(list_url(open_consultation)).content.decode()
    second = client.get(list_url(open_consultation, page=2)).content.decode()
    assert f'Position papers <span class="muted">({n})</span>' in first
    assert "Qëndrimi nr. 0<" in first and f"Qëndrimi nr. {PAPERS_PAGE_SIZE - 1}<" in first
    assert f"Qëndrimi nr. {PAPERS_PAGE_SIZE}<" not in first
    assert f"Qëndrimi nr. {PAPERS_PAGE_SIZE}<" in second and f"Qëndrimi nr. {n - 1}<" in second
    assert "Page 2 of 2" in second
    assert "Qëndrimi i fshehur" not in first + second
    # ?paper= opens the page that holds it (the links of search results)
    wanted = f"KON-1999-P{PAPERS_PAGE_SIZE + 2:05d}"
    html = client.get(list_url(open_consultation, paper=wanted)).content.decode()
    assert f'id="paper-{wanted}"' in html and "Page 2 of 2" in html
    # a bad page or an unknown paper: the nearest page, never an error
    assert client.get(list_url(open_consultation, page="x")).status_code == 200
    assert client.get(list_url(open_consultation, paper="KON-0000-NOPE")).status_code == 200


def test_a_draft_consultation_has_no_papers_page(client_for, institution):
    draft = f.ConsultationFactory(institution=institution, status="draft")
    assert client_for(None).get(list_url(draft)).status_code == 404


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_papers(client_for, institution, citizen):
    small = f.ConsultationFactory(institution=institution)
    big = f.ConsultationFactory(institution=institution)
    bulk_papers(small, 3)
    bulk_papers(big, 120, start=1000)
    client = client_for(citizen)
    client.get(small.get_absolute_url())  # warm the session
    assert count(client, small.get_absolute_url()) == count(client, big.get_absolute_url())
    assert count(client, list_url(small)) == count(client, list_url(big))
