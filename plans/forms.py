"""Forms of the plan pages in the workspace. They only read and check input; the services
(``plans.services``) validate again and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from consult.models import Consultation

from .models import PlannedItem


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("class", "textarea")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "select")
        else:
            widget.attrs.setdefault("class", "input")


class PlanForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Organisation.objects.none(), empty_label=None
    )
    year = forms.IntegerField(
        label=_("Year"),
        help_text=_("The calendar year the plan covers."),
        error_messages={"invalid": _("Enter a year, for example 2026.")},
    )
    note = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few words for the public about the plan (optional)."),
    )

    def __init__(self, *args, institutions=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        field.queryset = institutions if institutions is not None else field.queryset
        if len(field.queryset) == 1:
            field.initial = field.queryset[0].pk
            field.widget = forms.HiddenInput()
        _style(self)


class PlanNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few words for the public about the plan (optional)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class PlannedItemForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the draft"),
        max_length=250,
        help_text=_("For example: Draft law on civil status."),
        error_messages={"required": _("Give the title of the draft.")},
    )
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Consultation.Kind.choices)
    planned_quarter = forms.TypedChoiceField(
        label=_("Planned quarter"),
        coerce=int,
        choices=PlannedItem.Quarter.choices,
        help_text=_("When the public consultation is planned to open."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the draft will regulate (optional)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class LinkForm(forms.Form):
    consultation = forms.ModelChoiceField(
        label=_("Consultation"),
        queryset=Consultation.objects.none(),
        required=False,
        empty_label=_("— no consultation —"),
        help_text=_("The consultation that carries out this planned item."),
    )

    def __init__(self, *args, consultations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if consultations is not None:
            self.fields["consultation"].queryset = consultations
        _style(self)


class DropForm(forms.Form):
    drop_reason = forms.CharField(
        label=_("Reason for dropping"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the plan."),
        error_messages={"required": _("Say why the item is dropped; the reason is published.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class StartForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=250)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the draft is about and what you want to hear from the public."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=120)
    contact_email = forms.EmailField(label=_("Contact email"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
