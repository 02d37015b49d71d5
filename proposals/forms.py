"""Small forms of the public draft pages: a vote, and the choice of two versions to compare."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Vote


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"),
        choices=Vote.Choice.choices,
        error_messages={
            "required": _("Choose in favour, against or abstain."),
            "invalid_choice": _("Choose in favour, against or abstain."),
        },
    )
    section = forms.SlugField(label=_("Article"), required=False, max_length=80)


class CompareVersionsForm(forms.Form):
    """``from`` and ``to`` are version numbers of one draft (GET parameters)."""

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        numbers = sorted((v.number for v in versions), reverse=True)
        choices = [(n, _("Version %(number)s") % {"number": n}) for n in numbers]
        error_messages = {
            "required": _("Choose a version."),
            "invalid_choice": _("There is no such version of this draft."),
        }
        self.fields["from"] = forms.TypedChoiceField(
            label=_("Compare version"), choices=choices, coerce=int, error_messages=error_messages
        )
        self.fields["to"] = forms.TypedChoiceField(
            label=_("with version"), choices=choices, coerce=int, error_messages=error_messages
        )
        if not self.is_bound and len(numbers) >= 2:
            self.initial = {"from": numbers[1], "to": numbers[0]}
        for field in self.fields.values():
            field.widget.attrs["class"] = "select"

    def clean(self):
        data = super().clean()
        if data.get("from") is not None and data.get("from") == data.get("to"):
            raise forms.ValidationError(_("You chose the same version twice."))
        return data
