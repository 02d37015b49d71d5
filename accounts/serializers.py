"""REST serializers for organisations, and the small field types every app's API shares.

``EnumChoiceField`` is a ``ChoiceField`` whose OpenAPI enum is one *named* component
(``ConsultationKind``, ``OrganisationKind``, ...). drf-spectacular names enums after the field
(``KindEnum``), which collides when several models have a ``kind`` with different choices; naming
each choice set where it is declared keeps the schema free of collision warnings without a global
``ENUM_NAME_OVERRIDES`` list in the settings. It lives here because ``accounts`` is the app every
other app's API already depends on.

``RejectUnknownFieldsMixin`` turns a field the client sent but the endpoint does not accept (a
typo, or an attempt to set ``status`` directly) into a 400 with a message on that field, instead of
DRF's default of silently ignoring it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_description_list
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from .models import Organisation


class EnumChoiceField(serializers.ChoiceField):
    def __init__(self, choices, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(choices, **kwargs)


class EnumChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumChoiceField
    match_subclasses = True

    def get_name(self) -> str:
        return self.target.enum_name

    def map_serializer_field(self, auto_schema, direction):
        choices = [(k, v) for k, v in self.target.choices.items() if k not in ("", None)]
        return {
            "type": "string",
            "enum": [k for k, _label in choices],
            "description": build_choice_description_list(choices),
        }


class RejectUnknownFieldsMixin:
    # Answers 400 for body fields the serializer does not declare as writable. (A comment, not
    # a docstring: drf-spectacular would publish it as every subclass's description.)

    unknown_field_message = _("This field is not accepted here.")
    # Sent by HTML forms posting with the session; checked by the CSRF middleware, not here.
    ignored_fields = frozenset({"csrfmiddlewaretoken"})

    def validate(self, attrs):
        attrs = super().validate(attrs)
        initial = getattr(self, "initial_data", None)
        if hasattr(initial, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(initial.keys()) - writable - self.ignored_fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: [self.unknown_field_message] for name in unknown}
                )
        return attrs


class OrganisationSummarySerializer(serializers.Serializer):
    """An organisation as other objects mention it."""

    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = EnumChoiceField(Organisation.Kind.choices, enum_name="OrganisationKind", read_only=True)


class OrganisationSerializer(serializers.ModelSerializer):
    """The public face of an organisation (no members, no internal fields)."""

    kind = EnumChoiceField(Organisation.Kind.choices, enum_name="OrganisationKind", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    verification_status = EnumChoiceField(
        Organisation.Verification.choices, enum_name="VerificationStatus", read_only=True
    )
    # A plain string in the schema: most organisations have no website, and "" is not a URI.
    website = serializers.CharField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "kind",
            "kind_display",
            "registration_number",
            "website",
            "description",
            "verification_status",
        ]
        read_only_fields = fields


class OrganisationFilterSerializer(serializers.Serializer):
    """Query parameters of the organisation list."""

    kind = EnumChoiceField(
        Organisation.Kind.choices,
        enum_name="OrganisationKind",
        required=False,
        help_text=_("Only organisations of this kind."),
        error_messages={"invalid_choice": _("Choose a valid kind of organisation.")},
    )


class ErrorSerializer(serializers.Serializer):
    """A refusal (403, 404, 405, 429), with `detail` in the person's language."""

    detail = serializers.CharField(read_only=True)


VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Messages by field name, in the person's language; `non_field_errors` for messages about "
        "the request as a whole."
    ),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

_ERROR_DESCRIPTIONS = {
    400: "The input is not valid; nothing was stored.",
    403: "Not signed in, or not allowed to do this (now).",
    404: "Not found, or not visible to you.",
}


def error_responses(*codes: int) -> dict:
    """``extend_schema(responses=...)`` entries for the error answers an endpoint gives."""
    return {
        code: OpenApiResponse(
            response=VALIDATION_ERROR_SCHEMA if code == 400 else ErrorSerializer,
            description=_ERROR_DESCRIPTIONS[code],
        )
        for code in codes
    }


# Django REST framework ships no Albanian or Serbian catalogue. The messages it can answer through
# this API are listed here so that ``makemessages`` copies them into the project's catalogues;
# Django merges all catalogues of a language, so DRF's own ``gettext`` calls then find the
# translations. The text must stay identical to DRF's (rest_framework/{exceptions,fields,...}.py).
DRF_MESSAGES = (
    gettext_noop("A server error occurred."),
    gettext_noop("Invalid input."),
    gettext_noop("Malformed request."),
    gettext_noop("Incorrect authentication credentials."),
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("You do not have permission to perform this action."),
    gettext_noop("Not found."),
    gettext_noop('Method "{method}" not allowed.'),
    gettext_noop("Could not satisfy the request Accept header."),
    gettext_noop('Unsupported media type "{media_type}" in request.'),
    gettext_noop("Request was throttled."),
    gettext_noop("Expected available in {wait} second."),
    gettext_noop("Expected available in {wait} seconds."),
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("Invalid token header. Token string should not contain spaces."),
    gettext_noop("Invalid token header. Token string should not contain invalid characters."),
    gettext_noop("Invalid token."),
    gettext_noop("User inactive or deleted."),
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    gettext_noop("Not a valid string."),
    gettext_noop("This field may not be blank."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("This value does not match the required pattern."),
    gettext_noop('Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'),
    gettext_noop("A valid integer is required."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("String value too large."),
    gettext_noop("Datetime has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Expected a datetime but got a date."),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop("Datetime value out of range."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop("Ensure this filename has at most {max_length} characters (it has {length})."),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop("Invalid value."),
    gettext_noop("Number of results to return per page."),
    gettext_noop("The initial index from which to return the results."),
)
