"""Forms of public hearings. They read what a person typed; the services validate again and
write, and their ``ValidationError`` is put back on the form (``consult.forms.
apply_validation_error``). Times are typed in the site's time zone (``LocalDateTimeField``)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from comments.models import Consent
from consult.forms import LocalDateTimeField, apply_validation_error

from . import services
from .models import Hearing, HearingItem


class HearingForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=services.MAX_TITLE,
        help_text=_("For example: “Public hearing on the draft strategy”."),
    )
    starts_at = LocalDateTimeField(label=_("Starts at"))
    ends_at = LocalDateTimeField(label=_("Ends at"))
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=services.MAX_PLACE,
        help_text=_(
            "Where people can also attend in person, for example “Salla e Kuvendit Komunal”. "
            "Leave it empty for an online-only hearing."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=services.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The agenda, who will answer, how to take part."),
    )

    def __init__(self, *args, hearing: Hearing | None = None, **kwargs):
        self.hearing = hearing
        if hearing is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(hearing, name)
                for name in ("title", "starts_at", "ends_at", "place", "description")
            }
        super().__init__(*args, **kwargs)

    def save(self, *, actor, consultation=None) -> Hearing | None:
        """Schedule (with ``consultation``) or update; ``None`` when the service refused the
        values (the errors are then on the form)."""
        data = self.cleaned_data
        try:
            if self.hearing is None:
                return services.hearing_schedule(actor=actor, consultation=consultation, **data)
            return services.hearing_update(actor=actor, hearing=self.hearing, **data)
        except ValidationError as exc:
            apply_validation_error(self, exc)
            return None


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (published)"),
        required=False,
        max_length=services.MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to post?"),
        choices=HearingItem.Kind.choices,
        initial=HearingItem.Kind.QUESTION,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Your question or remark"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain text. Everyone following the hearing sees it at once."),
    )
    consent = forms.ChoiceField(
        label=_("How your name is shown"),
        choices=Consent.choices,
        initial=Consent.NAME,
        widget=forms.RadioSelect,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("Shown with your post if you speak for an organisation you belong to."),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The length limit is the service's (a field error with the count); the browser
        # stops typing at it too.
        self.fields["body"].widget.attrs["maxlength"] = str(settings.HEARING_ITEM_MAX_LENGTH)
        ids = [o.pk for o in organisations]
        if ids:
            self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=ids)
        else:
            del self.fields["organisation"]
            self.fields["consent"].choices = [
                c for c in Consent.choices if c[0] != Consent.ORGANISATION
            ]


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional, public)"),
        required=False,
        max_length=services.MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UpvoteForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("upvote", "upvote"), ("unupvote", "unupvote"), ("toggle", "toggle")],
        required=False,
    )
