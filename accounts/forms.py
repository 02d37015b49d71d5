from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Language, User


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form gets in addition to email and password."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        required=False,
        help_text=_("Shown with your comments if you choose so. You can leave it empty."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=Language.choices, initial=Language.ALBANIAN
    )

    def signup(self, request, user):  # allauth hook; AccountAdapter.save_user does the work
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "preferred_language"]
