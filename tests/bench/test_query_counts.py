"""The main pages' query counts do not grow with the size of the consultation (seed_bench)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from tests import factories as f

pytestmark = pytest.mark.django_db

SMALL, BIG = 100, 1000


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def page_urls(consultation) -> dict[str, str]:
    proposal = consultation.proposals.get()
    busiest = (
        Comment.objects.filter(proposal=proposal, section__kind="article")
        .values_list("section__key")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()[0]
    )
    return {
        "consultation": consultation.get_absolute_url(),
        "article": reverse(
            "proposals:section",
            kwargs={"slug": consultation.slug, "proposal": proposal.slug, "key": busiest},
        ),
        "api comments": (
            f"/api/v1/consultations/{consultation.slug}/proposals/{proposal.slug}/comments/"
        ),
    }


@pytest.mark.parametrize("who", ["anonymous", "citizen"])
def test_page_queries_do_not_grow_with_n(seed_bench, client_for, who):
    client = client_for(f.UserFactory() if who == "citizen" else None)
    small = seed_bench(SMALL)
    home = reverse("consult:home")
    client.get(home)  # the session and caches warm alike for both sizes
    n_home_small = count_queries(client, home)
    small_counts = {name: count_queries(client, url) for name, url in page_urls(small).items()}

    big = seed_bench(BIG)
    assert (
        Comment.objects.filter(consultation=big).count()
        > 9 * Comment.objects.filter(consultation=small).count()
    )
    assert count_queries(client, home) == n_home_small
    big_counts = {name: count_queries(client, url) for name, url in page_urls(big).items()}
    assert big_counts == small_counts
