"""Public pages of consultation plans and institutions.

* ``/plans/``: the published plans, newest year first, with how many items were consulted, are
  planned, late or dropped (filter by year and institution);
* ``/plans/<institution>/<year>/``: one plan's items by quarter with their status and links;
* ``/institutions/<slug>/``: an institution's page: its consultations and its plans.
"""

from __future__ import annotations

import rules
from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from . import selectors
from .models import ConsultationPlan, PlannedItem


class PlanFilterForm(forms.Form):
    """GET filters; a bad value is ignored, never an error page."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    institution = forms.ChoiceField(label=_("Institution"), required=False)

    def __init__(self, *args, years=(), institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("All"))]
        self.fields["year"].choices = anything + [(y, str(y)) for y in years]
        self.fields["institution"].choices = anything + [(o.slug, o.name) for o in institutions]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "select")


def plan_index(request):
    years = selectors.plan_years()
    institutions = list(selectors.plan_institutions().order_by("name").only("slug", "name"))
    form = PlanFilterForm(request.GET or None, years=years, institutions=institutions)
    year, institution = None, ""
    if form.is_bound:
        form.is_valid()
        year = form.cleaned_data.get("year") or None
        institution = form.cleaned_data.get("institution") or ""
    summaries = selectors.published_plans(year=year, institution=institution)
    by_year: dict[int, list] = {}
    for summary in summaries:
        by_year.setdefault(summary.plan.year, []).append(summary)
    return render(
        request,
        "plans/index.html",
        {
            "form": form,
            "by_year": sorted(by_year.items(), reverse=True),
            "filtered": bool(year or institution),
        },
    )


def plan_detail(request, institution: str, year: int):
    try:
        plan = selectors.plan_get(institution=institution, year=year)
    except ConsultationPlan.DoesNotExist as exc:
        raise Http404 from exc
    if not rules.has_perm("plans.view_plan", request.user, plan):
        raise Http404
    now = timezone.now()
    items = list(plan.items.all())
    quarters = []
    for quarter, label in PlannedItem.Quarter.choices:
        in_quarter = [item for item in items if item.planned_quarter == quarter]
        for item in in_quarter:
            item.plan = plan
            item.status_now = item.effective_status_at(now)
            item.status_label = PlannedItem.Status(item.status_now).label
            item.public_consultation = (
                item.consultation if item.consultation and item.consultation.is_public else None
            )
        if in_quarter:
            quarters.append((quarter, label, in_quarter))
    summary = selectors.plan_summary(plan, now)
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "quarters": quarters,
            "summary": summary,
            "can_manage": rules.has_perm("plans.manage_plan", request.user, plan),
        },
    )


def institution_detail(request, slug: str):
    try:
        page = selectors.institution_page(slug)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request, "plans/institution.html", {"page": page, "institution": page.institution}
    )
