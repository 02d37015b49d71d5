"""Forms of the public comment pages: a comment or reply, its edit, a flag, and a position paper.

The forms check shapes (a choice from the list, a file present); the services check everything
that matters (permission, lengths, depth, membership, the PDF itself) and their field messages
are put back on these forms with ``consult.forms.apply_validation_error``.

Every form that creates something carries ``token``: a one-time key generated when the form is
rendered (uuid4) and passed to the service as the idempotency key, so a double click or a
retried POST stores one submission.
"""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Consent, FlagReason, ParticipantType, Stance

# The countries where most of Kosovo's diaspora lives, offered first.
DIASPORA_COUNTRIES = ["DE", "CH", "AT", "US", "SE", "IT", "FR", "GB", "BE", "NL"]

# ISO 3166-1 alpha-2 codes with their English names (from the iso-codes tables), by name.
# Kosovo is not in the list: people in Kosovo choose their municipality instead.
# fmt: off
COUNTRIES = [
    ("AF", _("Afghanistan")),
    ("AL", _("Albania")),
    ("DZ", _("Algeria")),
    ("AS", _("American Samoa")),
    ("AD", _("Andorra")),
    ("AO", _("Angola")),
    ("AI", _("Anguilla")),
    ("AQ", _("Antarctica")),
    ("AG", _("Antigua and Barbuda")),
    ("AR", _("Argentina")),
    ("AM", _("Armenia")),
    ("AW", _("Aruba")),
    ("AU", _("Australia")),
    ("AT", _("Austria")),
    ("AZ", _("Azerbaijan")),
    ("BS", _("Bahamas")),
    ("BH", _("Bahrain")),
    ("BD", _("Bangladesh")),
    ("BB", _("Barbados")),
    ("BY", _("Belarus")),
    ("BE", _("Belgium")),
    ("BZ", _("Belize")),
    ("BJ", _("Benin")),
    ("BM", _("Bermuda")),
    ("BT", _("Bhutan")),
    ("BO", _("Bolivia")),
    ("BQ", _("Bonaire, Sint Eustatius and Saba")),
    ("BA", _("Bosnia and Herzegovina")),
    ("BW", _("Botswana")),
    ("BV", _("Bouvet Island")),
    ("BR", _("Brazil")),
    ("IO", _("British Indian Ocean Territory")),
    ("BN", _("Brunei Darussalam")),
    ("BG", _("Bulgaria")),
    ("BF", _("Burkina Faso")),
    ("BI", _("Burundi")),
    ("CV", _("Cabo Verde")),
    ("KH", _("Cambodia")),
    ("CM", _("Cameroon")),
    ("CA", _("Canada")),
    ("KY", _("Cayman Islands")),
    ("CF", _("Central African Republic")),
    ("TD", _("Chad")),
    ("CL", _("Chile")),
    ("CN", _("China")),
    ("CX", _("Christmas Island")),
    ("CC", _("Cocos (Keeling) Islands")),
    ("CO", _("Colombia")),
    ("KM", _("Comoros")),
    ("CG", _("Congo")),
    ("CD", _("Congo, The Democratic Republic of the")),
    ("CK", _("Cook Islands")),
    ("CR", _("Costa Rica")),
    ("HR", _("Croatia")),
    ("CU", _("Cuba")),
    ("CW", _("Curaçao")),
    ("CY", _("Cyprus")),
    ("CZ", _("Czechia")),
    ("CI", _("Côte d'Ivoire")),
    ("DK", _("Denmark")),
    ("DJ", _("Djibouti")),
    ("DM", _("Dominica")),
    ("DO", _("Dominican Republic")),
    ("EC", _("Ecuador")),
    ("EG", _("Egypt")),
    ("SV", _("El Salvador")),
    ("GQ", _("Equatorial Guinea")),
    ("ER", _("Eritrea")),
    ("EE", _("Estonia")),
    ("SZ", _("Eswatini")),
    ("ET", _("Ethiopia")),
    ("FK", _("Falkland Islands (Malvinas)")),
    ("FO", _("Faroe Islands")),
    ("FJ", _("Fiji")),
    ("FI", _("Finland")),
    ("FR", _("France")),
    ("GF", _("French Guiana")),
    ("PF", _("French Polynesia")),
    ("TF", _("French Southern Territories")),
    ("GA", _("Gabon")),
    ("GM", _("Gambia")),
    ("GE", _("Georgia")),
    ("DE", _("Germany")),
    ("GH", _("Ghana")),
    ("GI", _("Gibraltar")),
    ("GR", _("Greece")),
    ("GL", _("Greenland")),
    ("GD", _("Grenada")),
    ("GP", _("Guadeloupe")),
    ("GU", _("Guam")),
    ("GT", _("Guatemala")),
    ("GG", _("Guernsey")),
    ("GN", _("Guinea")),
    ("GW", _("Guinea-Bissau")),
    ("GY", _("Guyana")),
    ("HT", _("Haiti")),
    ("HM", _("Heard Island and McDonald Islands")),
    ("VA", _("Holy See (Vatican City State)")),
    ("HN", _("Honduras")),
    ("HK", _("Hong Kong")),
    ("HU", _("Hungary")),
    ("IS", _("Iceland")),
    ("IN", _("India")),
    ("ID", _("Indonesia")),
    ("IR", _("Iran")),
    ("IQ", _("Iraq")),
    ("IE", _("Ireland")),
    ("IM", _("Isle of Man")),
    ("IL", _("Israel")),
    ("IT", _("Italy")),
    ("JM", _("Jamaica")),
    ("JP", _("Japan")),
    ("JE", _("Jersey")),
    ("JO", _("Jordan")),
    ("KZ", _("Kazakhstan")),
    ("KE", _("Kenya")),
    ("KI", _("Kiribati")),
    ("KW", _("Kuwait")),
    ("KG", _("Kyrgyzstan")),
    ("LA", _("Laos")),
    ("LV", _("Latvia")),
    ("LB", _("Lebanon")),
    ("LS", _("Lesotho")),
    ("LR", _("Liberia")),
    ("LY", _("Libya")),
    ("LI", _("Liechtenstein")),
    ("LT", _("Lithuania")),
    ("LU", _("Luxembourg")),
    ("MO", _("Macao")),
    ("MG", _("Madagascar")),
    ("MW", _("Malawi")),
    ("MY", _("Malaysia")),
    ("MV", _("Maldives")),
    ("ML", _("Mali")),
    ("MT", _("Malta")),
    ("MH", _("Marshall Islands")),
    ("MQ", _("Martinique")),
    ("MR", _("Mauritania")),
    ("MU", _("Mauritius")),
    ("YT", _("Mayotte")),
    ("MX", _("Mexico")),
    ("FM", _("Micronesia, Federated States of")),
    ("MD", _("Moldova")),
    ("MC", _("Monaco")),
    ("MN", _("Mongolia")),
    ("ME", _("Montenegro")),
    ("MS", _("Montserrat")),
    ("MA", _("Morocco")),
    ("MZ", _("Mozambique")),
    ("MM", _("Myanmar")),
    ("NA", _("Namibia")),
    ("NR", _("Nauru")),
    ("NP", _("Nepal")),
    ("NL", _("Netherlands")),
    ("NC", _("New Caledonia")),
    ("NZ", _("New Zealand")),
    ("NI", _("Nicaragua")),
    ("NE", _("Niger")),
    ("NG", _("Nigeria")),
    ("NU", _("Niue")),
    ("NF", _("Norfolk Island")),
    ("KP", _("North Korea")),
    ("MK", _("North Macedonia")),
    ("MP", _("Northern Mariana Islands")),
    ("NO", _("Norway")),
    ("OM", _("Oman")),
    ("PK", _("Pakistan")),
    ("PW", _("Palau")),
    ("PS", _("Palestine, State of")),
    ("PA", _("Panama")),
    ("PG", _("Papua New Guinea")),
    ("PY", _("Paraguay")),
    ("PE", _("Peru")),
    ("PH", _("Philippines")),
    ("PN", _("Pitcairn")),
    ("PL", _("Poland")),
    ("PT", _("Portugal")),
    ("PR", _("Puerto Rico")),
    ("QA", _("Qatar")),
    ("RO", _("Romania")),
    ("RU", _("Russian Federation")),
    ("RW", _("Rwanda")),
    ("RE", _("Réunion")),
    ("BL", _("Saint Barthélemy")),
    ("SH", _("Saint Helena, Ascension and Tristan da Cunha")),
    ("KN", _("Saint Kitts and Nevis")),
    ("LC", _("Saint Lucia")),
    ("MF", _("Saint Martin (French part)")),
    ("PM", _("Saint Pierre and Miquelon")),
    ("VC", _("Saint Vincent and the Grenadines")),
    ("WS", _("Samoa")),
    ("SM", _("San Marino")),
    ("ST", _("Sao Tome and Principe")),
    ("SA", _("Saudi Arabia")),
    ("SN", _("Senegal")),
    ("RS", _("Serbia")),
    ("SC", _("Seychelles")),
    ("SL", _("Sierra Leone")),
    ("SG", _("Singapore")),
    ("SX", _("Sint Maarten (Dutch part)")),
    ("SK", _("Slovakia")),
    ("SI", _("Slovenia")),
    ("SB", _("Solomon Islands")),
    ("SO", _("Somalia")),
    ("ZA", _("South Africa")),
    ("GS", _("South Georgia and the South Sandwich Islands")),
    ("KR", _("South Korea")),
    ("SS", _("South Sudan")),
    ("ES", _("Spain")),
    ("LK", _("Sri Lanka")),
    ("SD", _("Sudan")),
    ("SR", _("Suriname")),
    ("SJ", _("Svalbard and Jan Mayen")),
    ("SE", _("Sweden")),
    ("CH", _("Switzerland")),
    ("SY", _("Syria")),
    ("TW", _("Taiwan")),
    ("TJ", _("Tajikistan")),
    ("TZ", _("Tanzania")),
    ("TH", _("Thailand")),
    ("TL", _("Timor-Leste")),
    ("TG", _("Togo")),
    ("TK", _("Tokelau")),
    ("TO", _("Tonga")),
    ("TT", _("Trinidad and Tobago")),
    ("TN", _("Tunisia")),
    ("TM", _("Turkmenistan")),
    ("TC", _("Turks and Caicos Islands")),
    ("TV", _("Tuvalu")),
    ("TR", _("Türkiye")),
    ("UG", _("Uganda")),
    ("UA", _("Ukraine")),
    ("AE", _("United Arab Emirates")),
    ("GB", _("United Kingdom")),
    ("US", _("United States")),
    ("UM", _("United States Minor Outlying Islands")),
    ("UY", _("Uruguay")),
    ("UZ", _("Uzbekistan")),
    ("VU", _("Vanuatu")),
    ("VE", _("Venezuela")),
    ("VN", _("Vietnam")),
    ("VG", _("Virgin Islands, British")),
    ("VI", _("Virgin Islands, U.S.")),
    ("WF", _("Wallis and Futuna")),
    ("EH", _("Western Sahara")),
    ("YE", _("Yemen")),
    ("ZM", _("Zambia")),
    ("ZW", _("Zimbabwe")),
    ("AX", _("Åland Islands")),
]
# fmt: on
COUNTRY_NAMES = dict(COUNTRIES)


def country_choices() -> list:
    """An empty choice, the diaspora countries first, then every country (grouped)."""
    first = [(code, COUNTRY_NAMES[code]) for code in DIASPORA_COUNTRIES]
    return [
        ("", _("Not given")),
        (_("Where many people from Kosovo live"), first),
        (_("All countries"), COUNTRIES),
    ]


def municipality_choices() -> list:
    return [("", _("Not given"))] + [(m, m) for m in settings.KOSOVO_MUNICIPALITIES]


def new_token() -> str:
    return uuid.uuid4().hex


# The three ways of being shown, in plain words.
CONSENT_LABELS = {
    Consent.NAME: _("Show my name"),
    Consent.ORGANISATION: _("Show only my organisation"),
    Consent.HIDDEN: _("Don't show who I am to the public — the institution still sees it"),
}

BODY_HELP = _(
    'You can use Markdown: **bold**, *italic*, lists starting with "- ", and links written '
    "as [text](https://…). Scripts, images and other HTML are removed. At most %(n)d "
    "characters."
)


class TextField(forms.CharField):
    """A multi-line text: browsers send line ends as CRLF; store them as LF, so that the text
    compares word by word with the article (whose lines end in LF)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class TokenMixin(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", new_token())


class CommentForm(TokenMixin):
    """A new comment or reply. ``organisations``: the person's organisations (for the consent
    "organisation only" and to say whom one speaks for); ``with_wording``: offer a proposed
    wording (comments about an article)."""

    stance = forms.ChoiceField(
        label=_("Your position"),
        choices=Stance.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose in favour, against or neutral."),
            "invalid_choice": _("Choose in favour, against or neutral."),
        },
    )
    body = TextField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "textarea"}),
        error_messages={"required": _("Write your comment; it cannot be empty.")},
    )
    proposed_wording = TextField(
        label=_("Proposed wording"),
        required=False,
        help_text=_(
            "Optional: how you would write this article. It is shown next to the current text, "
            "with your changes marked."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "class": "textarea"}),
    )
    consent = forms.ChoiceField(
        label=_("Who the public sees as the author"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how your name is shown."),
            "invalid_choice": _("Choose how your name is shown."),
        },
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        required=False,
        empty_label=_("None: I speak for myself"),
        help_text=_("Needed when you choose to show only your organisation."),
        widget=forms.Select(attrs={"class": "select"}),
        error_messages={"invalid_choice": _("You are not a member of this organisation.")},
    )
    participant_type = forms.ChoiceField(
        label=_("You take part as"),
        choices=ParticipantType.choices,
        widget=forms.RadioSelect,
        initial=ParticipantType.CITIZEN,
        error_messages={
            "required": _("Choose who you are."),
            "invalid_choice": _("Choose who you are."),
        },
    )
    municipality = forms.ChoiceField(
        label=_("Municipality"),
        required=False,
        help_text=_("If you live in Kosovo."),
        widget=forms.Select(attrs={"class": "select"}),
        error_messages={"invalid_choice": _("Choose a municipality from the list.")},
    )
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        help_text=_("If you live outside Kosovo."),
        widget=forms.Select(attrs={"class": "select"}),
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )

    def __init__(self, *args, organisations=None, with_wording: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Organisation

        organisations = list(organisations or [])
        self.organisations = organisations
        consents = [Consent.NAME, Consent.ORGANISATION, Consent.HIDDEN]
        if not organisations:
            consents.remove(Consent.ORGANISATION)
            del self.fields["organisation"]
        else:
            field = self.fields["organisation"]
            field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
            # The choices are known already: no query to list them again.
            field.choices = [("", field.empty_label)] + [(o.pk, o.name) for o in organisations]
        self.fields["consent"].choices = [(c.value, CONSENT_LABELS[c]) for c in consents]
        self.fields["body"].help_text = BODY_HELP % {"n": settings.COMMENT_MAX_LENGTH}
        self.fields["municipality"].choices = municipality_choices()
        self.fields["country"].choices = country_choices()
        if not with_wording:
            del self.fields["proposed_wording"]

    def clean_organisation(self):
        value = self.cleaned_data.get("organisation")
        if value is not None and value.pk not in {o.pk for o in self.organisations}:
            raise forms.ValidationError(_("You are not a member of this organisation."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("municipality") and data.get("country"):
            self.add_error(
                "country",
                _("Choose a municipality in Kosovo or a country abroad, not both."),
            )
        if data.get("consent") == Consent.HIDDEN:
            # Nothing that could identify the person is kept for the public page.
            data["organisation"] = None
        return data


class CommentEditForm(forms.Form):
    stance = CommentForm.base_fields["stance"]
    body = CommentForm.base_fields["body"]
    proposed_wording = CommentForm.base_fields["proposed_wording"]

    def __init__(self, *args, with_wording: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = BODY_HELP % {"n": settings.COMMENT_MAX_LENGTH}
        if not with_wording:
            del self.fields["proposed_wording"]


class ReactionForm(forms.Form):
    value = forms.ChoiceField(
        choices=[("agree", _("Agree")), ("disagree", _("Disagree"))],
        error_messages={
            "required": _("Choose agree or disagree."),
            "invalid_choice": _("Choose agree or disagree."),
        },
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=FlagReason.choices,
        error_messages={
            "required": _("Choose a reason for the flag."),
            "invalid_choice": _("Choose a reason for the flag."),
        },
    )
    note = forms.CharField(
        label=_("Note for the moderators"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("The note is too long (at most 500 characters).")},
    )


class PositionPaperForm(TokenMixin):
    """A CSO's position paper. ``organisations``: those the person may submit for; ``articles``:
    the current articles of the consultation's drafts (one optional point each)."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        empty_label=None,
        widget=forms.Select(attrs={"class": "select"}),
        error_messages={
            "required": _("Choose the organisation you submit for."),
            "invalid_choice": _("Choose the organisation you submit for."),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        widget=forms.TextInput(attrs={"class": "input"}),
        error_messages={"required": _("Give the position paper a title.")},
    )
    summary = TextField(
        label=_("Summary"),
        help_text=_("The main points of your position, in a few paragraphs. Shown to everyone."),
        widget=forms.Textarea(attrs={"rows": 8, "class": "textarea"}),
        error_messages={"required": _("Write a summary of your position.")},
    )
    attachment = forms.FileField(
        label=_("PDF document"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={
            "required": _("Choose the PDF document of your position paper."),
            "empty": _("The file is empty."),
            "invalid": _("Choose the PDF document of your position paper."),
        },
    )

    def __init__(self, *args, organisations=(), articles=(), **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Organisation

        organisations = list(organisations)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        field.choices = [(o.pk, o.name) for o in organisations]
        if len(organisations) == 1:
            self.initial.setdefault("organisation", organisations[0].pk)
        mb = settings.POSITION_PAPER_MAX_BYTES / (1024 * 1024)
        self.fields["attachment"].help_text = _(
            "A PDF file of at most %(mb)s MB. It is published for everyone to download."
        ) % {"mb": f"{mb:g}"}
        # Field name -> "<draft slug>/<article key>", as the service takes the points.
        self.article_fields: dict[str, str] = {}
        for section in articles:
            name = f"point_{section.pk}"
            self.fields[name] = TextField(
                label=section.label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "class": "textarea"}),
            )
            self.article_fields[name] = f"{section.proposal.slug}/{section.key}"

    def points(self) -> dict[str, str]:
        return {
            ref: self.cleaned_data[name]
            for name, ref in self.article_fields.items()
            if self.cleaned_data.get(name)
        }
