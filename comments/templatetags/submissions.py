"""Template pieces of the comments app for pages of other apps (``{% load submissions %}``).

``{% position_papers consultation %}`` renders the consultation page's "Position papers" section:
the newest published papers (points per article, the institution's answer once answers are
public), their number with a link to the papers page, and the way to submit one. The page's view
stays in ``consult``, which does not depend on this app; the tag reads the drafts the page
already loaded (``proposals`` in the context) to link points to their articles. Queries: the
papers with their number, and their points with articles when there are any; one more for people
who represent an organisation.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from .. import selectors, services
from ..views import comment_block_reason, representable_organisations

register = template.Library()


#: How many papers the consultation page shows (the newest); the rest are on the papers page.
PAPERS_ON_CONSULTATION_PAGE = 5


def paper_rows(consultation, papers, *, slugs: dict[int, str] | None = None) -> list[dict]:
    """What a paper's card shows: the paper, its points linked to their articles (``slugs``
    maps the pks of the consultation's drafts to their slugs), and the institution's answer once
    answers are public."""
    if slugs is None:
        slugs = dict(consultation.proposals.values_list("pk", "slug"))
    responses_public = services.responses_are_public(consultation)
    rows = []
    for paper in papers:
        points = []
        for point in paper.points.all():
            section = point.section
            url = ""
            if section.proposal_id in slugs:
                url = reverse(
                    "proposals:section",
                    kwargs={
                        "slug": consultation.slug,
                        "proposal": slugs[section.proposal_id],
                        "key": section.key,
                    },
                )
            points.append({"label": section.label, "url": url, "text": point.text})
        response = getattr(paper, "response", None) if responses_public else None
        rows.append({"paper": paper, "points": points, "response": response})
    return rows


@register.inclusion_tag("comments/_position_papers.html", takes_context=True)
def position_papers(context, consultation):
    """The newest few papers and their number; a consultation with a thousand papers keeps a
    page of the same size (the papers page lists them all, a page at a time)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    slugs = {p.pk: p.slug for p in context.get("proposals", [])}
    papers = list(
        selectors.published_position_papers(consultation, newest_first=True)[
            :PAPERS_ON_CONSULTATION_PAGE
        ]
    )
    total = papers[0].total if papers else 0
    can_submit = False
    block_reason = ""
    if user is not None and user.is_authenticated:
        block_reason = comment_block_reason(user, consultation)
        can_submit = not block_reason and bool(representable_organisations(user))
    return {
        "consultation": consultation,
        "papers": paper_rows(consultation, papers, slugs=slugs),
        "total": total,
        "more": total > len(papers),
        "can_submit": can_submit,
        "is_open": consultation.effective_status == consultation.Status.OPEN,
        "request": request,
    }


@register.filter
def country_name(code: str) -> str:
    """The name of a country by its ISO code (the code itself when unknown)."""
    from ..forms import COUNTRY_NAMES

    return str(COUNTRY_NAMES.get((code or "").upper(), code or ""))
