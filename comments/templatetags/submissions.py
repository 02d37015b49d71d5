"""Template pieces of the comments app for pages of other apps (``{% load submissions %}``).

``{% position_papers consultation %}`` renders the consultation page's "Position papers" section:
the published papers (points per article, the institution's answer once answers are public) and
the way to submit one. The page's view stays in ``consult``, which does not depend on this app;
the tag reads the drafts the page already loaded (``proposals`` in the context) to link points to
their articles. Queries: the papers, and their points with articles when there are any; one more
for people who represent an organisation.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from .. import selectors, services
from ..models import PositionPaper
from ..views import comment_block_reason, representable_organisations

register = template.Library()


@register.inclusion_tag("comments/_position_papers.html", takes_context=True)
def position_papers(context, consultation):
    request = context.get("request")
    user = getattr(request, "user", None)
    slugs = {p.pk: p.slug for p in context.get("proposals", [])}
    responses_public = services.responses_are_public(consultation)
    papers = []
    for paper in selectors.position_papers_for(consultation):
        if paper.status != PositionPaper.Status.PUBLISHED:
            continue
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
        papers.append({"paper": paper, "points": points, "response": response})
    can_submit = False
    block_reason = ""
    if user is not None and user.is_authenticated:
        block_reason = comment_block_reason(user, consultation)
        can_submit = not block_reason and bool(representable_organisations(user))
    return {
        "consultation": consultation,
        "papers": papers,
        "can_submit": can_submit,
        "is_open": consultation.effective_status == consultation.Status.OPEN,
        "request": request,
    }


@register.filter
def country_name(code: str) -> str:
    """The name of a country by its ISO code (the code itself when unknown)."""
    from ..forms import COUNTRY_NAMES

    return str(COUNTRY_NAMES.get((code or "").upper(), code or ""))
