"""The search form: the words and the filters, validated the same way for the page and the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consult.models import Consultation

from .selectors import KIND_LABELS, SearchQuery

MAX_QUERY_LENGTH = 200
STATUSES = [(value, label) for value, label in Consultation.Status.choices if value != "draft"]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": _("Search with at most %(limit_value)d characters.")},
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Everything")), *KIND_LABELS.items()]
    )
    institution = forms.SlugField(label=_("Institution"), required=False, max_length=80)
    status = forms.ChoiceField(
        label=_("Consultation status"), required=False, choices=[("", _("Any")), *STATUSES]
    )
    kind = forms.ChoiceField(
        label=_("Kind of act"),
        required=False,
        choices=[("", _("Any")), *Consultation.Kind.choices],
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if institutions is not None:
            self.fields["institution"] = forms.ChoiceField(
                label=_("Institution"),
                required=False,
                choices=[("", _("All")), *((o.slug, o.name) for o in institutions)],
            )
        for name, field in self.fields.items():
            if name in {"type", "institution", "status", "kind"}:
                field.widget.attrs.setdefault("class", "select")
            elif name != "page":
                field.widget.attrs.setdefault("class", "input")
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def clean_q(self):
        return " ".join((self.cleaned_data.get("q") or "").split())

    def to_query(self) -> SearchQuery:
        data = self.cleaned_data
        return SearchQuery(
            q=data.get("q") or "",
            type=data.get("type") or "",
            institution=data.get("institution") or "",
            status=data.get("status") or "",
            kind=data.get("kind") or "",
            year=data.get("year"),
            page=data.get("page") or 1,
        )
