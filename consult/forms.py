"""Forms of the officials' workspace (``/workspace/``).

The forms validate what a person typed; the writes go through the services
(``consult.services``, ``proposals.services``), whose ``ValidationError`` is mapped back onto the
form's fields by ``apply_validation_error`` so that a service's message (say, the earliest
allowed closing date) appears next to the field it is about.

Dates and times are typed in ``<input type="datetime-local">`` boxes, which send a wall-clock
time without a zone ("2026-03-02T09:00"). They are read, and shown, in the site's time zone
(``settings.TIME_ZONE``, Europe/Belgrade: the time in Prishtina), whatever time zone may be
active for the request.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from proposals.models import Proposal

from .languages import html_lang, language_codes
from .models import Consultation
from .services import earliest_closing_date

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
DRAFT_EXTENSIONS = (".docx", ".md", ".markdown", ".txt")


def site_timezone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _ambiguous_or_imaginary(value: dt.datetime, tz: zoneinfo.ZoneInfo) -> bool:
    """True for a wall-clock time that happens twice (autumn) or never (spring) in ``tz``."""
    return tz.utcoffset(value.replace(fold=0)) != tz.utcoffset(value.replace(fold=1))


def megabytes(size: int) -> str:
    return formats.number_format(round(size / (1024 * 1024), 1), decimal_pos=1)


class LocalDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` box read and shown in the site's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT)
    default_error_messages = {
        "invalid": _("Enter a date and time, for example 2026-03-02 09:00."),
        "ambiguous": _(
            "%(datetime)s does not exist or happens twice in Kosovo's time because of the change "
            "of the clocks. Choose another time."
        ),
    }

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(site_timezone()).replace(tzinfo=None)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value
        if isinstance(value, str):
            value = value.strip()
            try:
                # datetime-local sends "2026-03-02T09:00"; accept the ISO forms people type.
                naive = dt.datetime.fromisoformat(value)
            except ValueError:
                naive = None
            if naive is None or naive.tzinfo is not None:
                # Localised formats ("02.03.2026 09:00"), and never a zone typed by hand.
                naive = super().to_python(value)
                naive = naive.replace(tzinfo=None) if naive else None
        elif isinstance(value, dt.datetime):
            naive = value
        else:
            naive = super().to_python(value)
            naive = naive.replace(tzinfo=None) if naive else None
        if naive is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        naive = naive.replace(second=0, microsecond=0)
        tz = site_timezone()
        if _ambiguous_or_imaginary(naive, tz):
            raise ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"datetime": naive.strftime("%Y-%m-%d %H:%M")},
            )
        return naive.replace(tzinfo=tz)

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        initial = initial.replace(second=0, microsecond=0) if initial else None
        return initial != data


def apply_validation_error(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: field messages on their fields (when
    the form has that field), the others at the top of the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            form.add_error(target, errors)
    else:
        form.add_error(None, exc)


class ConsultationForm(forms.Form):
    """Create (with ``institutions``) or edit (with ``consultation``) a consultation."""

    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=_("The institution that runs the consultation."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=250,
        help_text=_("The name of the draft, as the public will see it."),
    )
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Consultation.Kind.choices)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the draft is about and what you want to hear from the public."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=120)
    contact_email = forms.EmailField(label=_("Contact email"))
    opens_at = LocalDateTimeField(
        label=_("Opens at"),
        required=False,
        help_text=_("Date and time in Kosovo. You can leave it empty while preparing the draft."),
    )
    closes_at = LocalDateTimeField(
        label=_("Closes at"),
        required=False,
        help_text=_(
            "The written round lasts at least %(days)s working days, not counting the day it "
            "opens, weekends and public holidays."
        ),
    )
    short_round_justification = forms.CharField(
        label=_("Justification for a shorter round"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Only when the round is exceptionally shorter than the minimum: say why. It is "
            "published with the consultation."
        ),
    )

    responses_visibility = forms.ChoiceField(
        label=_("When are official answers public?"),
        choices=Consultation.ResponsesVisibility.choices,
        initial=Consultation.ResponsesVisibility.IMMEDIATE,
        required=False,
        help_text=_("Answers are always emailed to their submitters when they become public."),
    )

    language = forms.ChoiceField(
        label=_("Language of the texts"),
        choices=settings.LANGUAGES,
        initial="sq",
        required=False,
        help_text=_(
            "The language the title, the summary and the draft documents are written in. "
            "Translations into the other languages are optional."
        ),
    )

    EDITABLE = (
        "title",
        "kind",
        "summary",
        "contact_name",
        "contact_email",
        "opens_at",
        "closes_at",
        "short_round_justification",
        "responses_visibility",
        "language",
        "title_translations",
        "summary_translations",
    )

    def __init__(self, *args, institutions=None, consultation: Consultation | None = None, **kw):
        self.consultation = consultation
        if consultation is not None:
            initial = {name: getattr(consultation, name) for name in self.EDITABLE}
            for code in language_codes():
                initial[f"title_{self._suffix(code)}"] = consultation.title_translations.get(
                    code, ""
                )
                initial[f"summary_{self._suffix(code)}"] = consultation.summary_translations.get(
                    code, ""
                )
            kw.setdefault("initial", initial)
        super().__init__(*args, **kw)
        # "Title in Serbian (Latin)", "Summary in English", ...: one pair per site language;
        # the template shows those of the languages other than the original.
        for code, name in settings.LANGUAGES:
            suffix = self._suffix(code)
            self.fields[f"title_{suffix}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": name},
                max_length=250,
                required=False,
                widget=forms.TextInput(attrs={"lang": html_lang(code)}),
            )
            self.fields[f"summary_{suffix}"] = forms.CharField(
                label=_("Summary in %(language)s") % {"language": name},
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 4, "lang": html_lang(code)}),
            )
        minimum = settings.CONSULTATION_MIN_WORKING_DAYS
        self.fields["closes_at"].help_text = self.fields["closes_at"].help_text % {"days": minimum}
        if consultation is not None:
            del self.fields["institution"]
            if consultation.effective_status == Consultation.Status.OPEN:
                field = self.fields["opens_at"]
                field.disabled = True
                field.help_text = _("The consultation is open: its opening time cannot change.")
        else:
            field = self.fields["institution"]
            field.queryset = institutions if institutions is not None else field.queryset
            # With one institution there is nothing to choose.
            if len(field.queryset) == 1:
                field.initial = field.queryset[0].pk
                field.widget = forms.HiddenInput()
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("class", "textarea")
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "select")
            elif not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs.setdefault("class", "input")
            if name in ("opens_at", "closes_at"):
                field.widget.attrs["data-round"] = name

    @property
    def minimum_days(self) -> int:
        return settings.CONSULTATION_MIN_WORKING_DAYS

    @staticmethod
    def _suffix(code: str) -> str:
        return code.replace("-", "_")

    @property
    def original_language(self) -> str:
        """The language chosen for the original texts (as sent, else as stored)."""
        if self.is_bound:
            value = self.data.get(self.add_prefix("language"))
            if value in language_codes():
                return value
        value = self.initial.get("language") or self.fields["language"].initial
        return value if value in language_codes() else settings.LANGUAGE_CODE

    @property
    def translation_fields(self) -> list[dict]:
        """The title and summary boxes of the languages other than the original's."""
        original = self.original_language
        return [
            {
                "code": code,
                "name": name,
                "title": self[f"title_{self._suffix(code)}"],
                "summary": self[f"summary_{self._suffix(code)}"],
            }
            for code, name in settings.LANGUAGES
            if code != original
        ]

    @property
    def fixed_institution(self) -> Organisation | None:
        """The only institution the person can create for (no choice shown), if so."""
        field = self.fields.get("institution")
        if field is not None and isinstance(field.widget, forms.HiddenInput):
            return field.queryset[0]
        return None

    def round_hint(self) -> dict | None:
        """The minimum round for the opening time in the form (bound data or stored value)."""
        opens_at = None
        if self.is_bound and "opens_at" in getattr(self, "cleaned_data", {}):
            opens_at = self.cleaned_data.get("opens_at")
        elif self.is_bound and not self.fields["opens_at"].disabled:
            try:
                opens_at = self.fields["opens_at"].clean(self.data.get(self.add_prefix("opens_at")))
            except ValidationError:
                opens_at = None
        else:
            opens_at = self.initial.get("opens_at")
        if not opens_at:
            return None
        return {
            "days": settings.CONSULTATION_MIN_WORKING_DAYS,
            "date": earliest_closing_date(opens_at),
        }

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if not cleaned.get("responses_visibility"):
            cleaned["responses_visibility"] = Consultation.ResponsesVisibility.IMMEDIATE
        language = cleaned.get("language") or (
            self.consultation.language if self.consultation is not None else "sq"
        )
        cleaned["language"] = language
        for part in ("title", "summary"):
            texts = {}
            for code, name in settings.LANGUAGES:
                value = (cleaned.get(f"{part}_{self._suffix(code)}") or "").strip()
                if not value:
                    continue
                if code == language:
                    # Shown for the earlier choice of original language, then the choice changed.
                    self.add_error(
                        None,
                        _(
                            "%(language)s is now the language of the original: write the "
                            "%(language)s text in the Title and Summary fields, and leave "
                            "“%(label)s” empty."
                        )
                        % {
                            "language": name,
                            "label": self.fields[f"{part}_{self._suffix(code)}"].label,
                        },
                    )
                    continue
                texts[code] = value
            cleaned[f"{part}_translations"] = texts
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return cleaned

    def save(self, *, actor):
        """Create or update through the services. Returns the consultation, or ``None`` with
        the services' errors put on the form. ``PermissionDenied`` is left to the view."""
        from .services import consultation_create, consultation_update

        cleaned = self.cleaned_data
        data = {name: cleaned[name] for name in self.EDITABLE if name in cleaned}
        try:
            if self.consultation is None:
                return consultation_create(
                    actor=actor, institution=self.cleaned_data["institution"], **data
                )
            for name in ("opens_at", "closes_at"):
                # The boxes show minutes: an unchanged time keeps its stored seconds.
                if name in data and not self.fields[name].has_changed(
                    getattr(self.consultation, name), self.data.get(self.add_prefix(name))
                ):
                    data[name] = getattr(self.consultation, name)
            return consultation_update(actor=actor, consultation=self.consultation, **data)
        except ValidationError as exc:
            apply_validation_error(self, exc)
            return None


class WithdrawForm(forms.Form):
    withdrawal_reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "textarea"}),
        max_length=2000,
        help_text=_("Published on the consultation's page."),
        error_messages={"required": _("Say why the consultation is withdrawn.")},
    )


class DraftFileField(forms.FileField):
    """A draft file: .docx, .md, .markdown or .txt, no larger than
    ``settings.DRAFT_UPLOAD_MAX_BYTES``. The content is checked by the importer."""

    default_error_messages = {
        "empty": _("The file is empty: it contains no text."),
        "required": _("Choose a file to upload."),
        "too_large": _("The file is %(size)s MB, larger than the limit of %(limit)s MB."),
        "extension": _(
            'The file "%(name)s" has an unsupported format. Accepted formats: %(formats)s.'
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("File"))
        kwargs.setdefault(
            "help_text",
            _(
                "A Word document (.docx) or a Markdown or text file (.md, .txt) with the "
                "articles written as “Neni 1”, “Neni 2”, … Largest size: %(limit)s MB."
            ),
        )
        kwargs.setdefault("max_length", 255)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": ",".join(DRAFT_EXTENSIONS), "class": "input"})

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        limit = settings.DRAFT_UPLOAD_MAX_BYTES
        if value.size > limit:
            raise ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={"size": megabytes(value.size), "limit": megabytes(limit)},
            )
        ext = os.path.splitext(value.name or "")[1].lower()
        if ext not in DRAFT_EXTENSIONS:
            raise ValidationError(
                self.error_messages["extension"],
                code="extension",
                params={"name": value.name, "formats": ", ".join(DRAFT_EXTENSIONS)},
            )


class _DraftFileForm(forms.Form):
    """Shared by the upload forms: the file field last, so that when a too-large file is cut
    off by the upload handler the fields before it still arrive."""

    too_large_size: int | None = None

    def __init__(self, *args, too_large_size: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large_size = too_large_size
        field = self.fields["file"]
        if too_large_size is not None:
            # The upload handler skipped the file: no "required" error, the size error instead.
            field.required = False
        field.help_text = field.help_text % {"limit": megabytes(settings.DRAFT_UPLOAD_MAX_BYTES)}

    def clean_file(self):
        if self.too_large_size is not None:
            # Cut off while streaming: its full size is unknown, only that it is too large.
            raise ValidationError(
                _("The file is larger than the limit of %(limit)s MB."),
                code="too_large",
                params={"limit": megabytes(settings.DRAFT_UPLOAD_MAX_BYTES)},
            )
        return self.cleaned_data["file"]


class DraftUploadForm(_DraftFileForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=250,
        required=False,
        widget=forms.TextInput(attrs={"class": "input"}),
        help_text=_("Leave empty to use the document's own title (its first heading)."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=Proposal.Kind.choices,
        initial=Proposal.Kind.DRAFT_ACT,
        widget=forms.Select(attrs={"class": "select"}),
    )
    file = DraftFileField()


class VersionUploadForm(_DraftFileForm):
    note = forms.CharField(
        label=_("What changed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "textarea"}),
        help_text=_("A short note for the public, shown with the new version."),
        error_messages={"required": _("Say briefly what changed in this version.")},
    )
    file = DraftFileField(
        label=_("New text"),
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise ValidationError(_("Say briefly what changed in this version."), code="required")
        return note


class TranslationUploadForm(_DraftFileForm):
    """The translation of a draft's current version into one of the site's other languages."""

    language = forms.ChoiceField(
        label=_("Language of the translation"),
        widget=forms.Select(attrs={"class": "select"}),
        error_messages={"invalid_choice": _("Choose one of the languages in the list.")},
    )
    file = DraftFileField(label=_("Translated text"))

    def __init__(self, *args, original: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, name) for code, name in settings.LANGUAGES if code != original
        ]
        self.fields["language"].help_text = _(
            "The original is in %(language)s. The translation must have the same chapters, "
            "articles, paragraphs and points, with the same numbers: each part of it is shown "
            "in place of the original's for readers of that language."
        ) % {"language": dict(settings.LANGUAGES).get(original, original)}
