"""Public pages about consultations: the home page, the list with filters, one consultation."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.selectors import organisation_list
from proposals.selectors import article_outline, proposal_list, whole_draft_tally

from . import selectors
from .languages import text_languages
from .models import Consultation

PAGE_SIZE = 20
S = Consultation.Status


def get_visible_consultation(request, slug: str) -> Consultation:
    """The consultation if this person may see it; drafts are a 404 for everyone else (their
    existence is not public)."""
    try:
        consultation = selectors.consultation_get(slug)
    except Consultation.DoesNotExist as exc:
        raise Http404 from exc
    if not request.user.has_perm("consult.view_consultation", consultation):
        raise Http404
    return consultation


def home(request):
    sections = selectors.home_sections()
    soon = {c.pk for c in sections["closing_soon"]}  # shown once, in "Closing soon"
    groups = [
        (
            "closing-soon",
            _("Closing soon"),
            _("Open consultations that close within a week: there is still time to take part."),
            sections["closing_soon"],
        ),
        ("open", _("Open for comments"), "", [c for c in sections["open"] if c.pk not in soon]),
        (
            "upcoming",
            _("Upcoming"),
            _("Scheduled consultations that open soon."),
            sections["upcoming"],
        ),
        ("recently-closed", _("Recently closed"), "", sections["recently_closed"]),
        (
            "reported",
            _("Recently reported"),
            _("Consultations whose institution has published its report on the comments."),
            sections["reported"],
        ),
    ]
    return render(
        request,
        "consult/home.html",
        {
            "groups": groups,
            "open_count": len(sections["open"]),
            "is_empty": not any(sections.values()),
        },
    )


class ConsultationFilterForm(forms.Form):
    """The GET filters of the list. Bad values are ignored, never an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    institution = forms.ChoiceField(label=_("Institution"), required=False)
    kind = forms.ChoiceField(label=_("Kind of document"), required=False)

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("All"))]
        self.fields["status"].choices = anything + [
            (value, label) for value, label in S.choices if value != S.DRAFT
        ]
        self.fields["institution"].choices = anything + [(o.slug, o.name) for o in institutions]
        self.fields["kind"].choices = anything + list(Consultation.Kind.choices)
        for field in self.fields.values():
            css = "select" if isinstance(field, forms.ChoiceField) else "input"
            field.widget.attrs.setdefault("class", css)
        self.fields["q"].widget.input_type = "search"


def consultation_list(request):
    institutions = list(organisation_list(kind=Organisation.Kind.INSTITUTION).only("slug", "name"))
    form = ConsultationFilterForm(request.GET or None, institutions=institutions)
    filters = {"status": "", "institution": "", "kind": "", "q": ""}
    if form.is_bound:
        # Keep the valid filters even when another one is bad (a stale link, a typo).
        form.is_valid()
        for name in filters:
            if name in form.cleaned_data:
                filters[name] = (form.cleaned_data[name] or "").strip()
    qs = selectors.consultation_list(**filters)
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consult/list.html",
        {
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "querystring": query.urlencode(),
        },
    )


def consultation_detail(request, slug: str):
    consultation = get_visible_consultation(request, slug)
    proposals = list(proposal_list(consultation))
    # The title, summary and draft titles in the reader's language when they exist (no query:
    # the translations are on the consultation and on the drafts' current versions).
    texts = text_languages(
        request,
        original=consultation.language,
        available=[
            *consultation.text_languages,
            *(code for p in proposals if p.current_version for code in p.current_version.languages),
        ],
    )
    consultation.display_title = consultation.title_in(texts.shown)
    consultation.display_summary = consultation.summary_in(texts.shown)
    for p in proposals:
        titles = p.current_version.title_translations if p.current_version else {}
        p.display_title = (titles or {}).get(texts.shown) or p.title
    context = {
        "consultation": consultation,
        "texts": texts,
        "proposals": proposals,
        "can_manage": request.user.has_perm("consult.manage_consultation", consultation),
        "min_working_days": settings.CONSULTATION_MIN_WORKING_DAYS,
    }
    if len(proposals) == 1:
        only = proposals[0]
        only.consultation = consultation
        context["only_proposal"] = only
        context["outline"] = article_outline(only, language=texts.shown)
        context["whole_tally"] = whole_draft_tally(only)
    return render(request, "consult/detail.html", context)
