"""REST serializers for consultations.

Read serializers show the *effective* status (time is authoritative, see ``consult.models``).
Write serializers only check the shape of the input; the rules (dates, the minimum round, who may
do what) are the services' job, so the API and the pages answer the same way.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation
from accounts.serializers import (
    EnumChoiceField,
    OrganisationSummarySerializer,
    RejectUnknownFieldsMixin,
)

from .models import Consultation

PERMISSIONS = {
    "change": "consult.change_consultation",
    "schedule": "consult.schedule_consultation",
    "open": "consult.open_consultation",
    "close": "consult.close_consultation",
    "withdraw": "consult.withdraw_consultation",
    "add_drafts": "consult.edit_drafts",
    "publish_version": "consult.publish_version",
    "take_part": "consult.take_part",
}


def kind_field(**kwargs) -> EnumChoiceField:
    return EnumChoiceField(Consultation.Kind.choices, enum_name="ConsultationKind", **kwargs)


def text_language_field(**kwargs) -> EnumChoiceField:
    return EnumChoiceField(settings.LANGUAGES, enum_name="TextLanguage", **kwargs)


def translations_field(**kwargs) -> serializers.DictField:
    return serializers.DictField(child=serializers.CharField(allow_blank=True), **kwargs)


class ProposalBriefSerializer(serializers.Serializer):
    """A draft document as listed in its consultation."""

    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(
        read_only=True, help_text=_("The kind of document (see ProposalKind).")
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    current_version = serializers.IntegerField(
        source="current_version.number",
        read_only=True,
        allow_null=True,
        help_text=_("Number of the current published version."),
    )


class ConsultationPermissionsSerializer(serializers.Serializer):
    """What the person asking may do with the consultation now."""

    change = serializers.BooleanField(read_only=True)
    schedule = serializers.BooleanField(read_only=True)
    open = serializers.BooleanField(read_only=True)
    close = serializers.BooleanField(read_only=True)
    withdraw = serializers.BooleanField(read_only=True)
    add_drafts = serializers.BooleanField(read_only=True)
    publish_version = serializers.BooleanField(read_only=True)
    take_part = serializers.BooleanField(read_only=True)


class ConsultationSummarySerializer(serializers.ModelSerializer):
    """A consultation as listed."""

    institution = OrganisationSummarySerializer(read_only=True)
    kind = kind_field(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status = EnumChoiceField(
        Consultation.Status.choices,
        enum_name="ConsultationStatus",
        source="effective_status",
        read_only=True,
        help_text=_(
            "The effective status: opening and closing times are applied even before "
            "the scheduler has stored the change."
        ),
    )
    status_display = serializers.CharField(source="get_effective_status_display", read_only=True)
    working_days = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Working days in the written round (Kosovo's public holidays excluded)."),
    )
    is_short_round = serializers.BooleanField(read_only=True)
    html_url = serializers.SerializerMethodField(help_text=_("The consultation's public page."))
    language = text_language_field(
        read_only=True, help_text=_("The language the title and the summary are written in.")
    )
    title_translations = translations_field(
        read_only=True, help_text=_("The title in the other languages it is given in.")
    )
    summary_translations = translations_field(
        read_only=True, help_text=_("The summary in the other languages it is given in.")
    )

    class Meta:
        model = Consultation
        fields = [
            "slug",
            "title",
            "summary",
            "language",
            "title_translations",
            "summary_translations",
            "kind",
            "kind_display",
            "institution",
            "opens_at",
            "closes_at",
            "status",
            "status_display",
            "working_days",
            "is_short_round",
            "html_url",
        ]
        read_only_fields = fields

    def get_html_url(self, consultation: Consultation) -> str:
        url = consultation.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ConsultationDetailSerializer(ConsultationSummarySerializer):
    """A consultation with its draft documents and what you may do with it."""

    proposals = ProposalBriefSerializer(many=True, read_only=True)
    permissions = serializers.SerializerMethodField()

    class Meta(ConsultationSummarySerializer.Meta):
        fields = [
            *ConsultationSummarySerializer.Meta.fields,
            "short_round_justification",
            "withdrawal_reason",
            "contact_name",
            "contact_email",
            "created_at",
            "updated_at",
            "proposals",
            "permissions",
        ]
        read_only_fields = fields

    @extend_schema_field(ConsultationPermissionsSerializer)
    def get_permissions(self, consultation: Consultation) -> dict[str, bool]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return {
            # The rules themselves (as the services check them), not ``user.has_perm``: Django
            # would let a superuser pass every check, whatever the consultation's state.
            name: bool(user is not None and rules.has_perm(perm, user, consultation))
            for name, perm in PERMISSIONS.items()
        }


class ConsultationWriteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """A consultation's editable fields."""

    title = serializers.CharField(max_length=250)
    kind = kind_field()
    summary = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    contact_name = serializers.CharField(max_length=120)
    contact_email = serializers.EmailField()
    opens_at = serializers.DateTimeField(required=False, allow_null=True)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    short_round_justification = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text=_(
            "Required when the written round is shorter than the minimum number of working days."
        ),
    )
    language = text_language_field(
        required=False,
        help_text=_("The language the title and the summary are written in (default: sq)."),
        error_messages={"invalid_choice": _("Choose one of the site's languages.")},
    )
    title_translations = translations_field(
        required=False,
        help_text=_("Language code -> the title in that language, for the other languages."),
    )
    summary_translations = translations_field(
        required=False,
        help_text=_("Language code -> the summary in that language, for the other languages."),
    )


class ConsultationCreateSerializer(ConsultationWriteSerializer):
    institution = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION),
        help_text=_("Slug of the public institution that holds the consultation."),
        error_messages={
            "does_not_exist": _("There is no public institution with this identifier."),
            "invalid": _("Give the institution's identifier (its slug)."),
        },
    )


class ConsultationUpdateSerializer(ConsultationWriteSerializer):
    """Every field is optional: send only what changes (PATCH)."""

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class WithdrawSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000,
        help_text=_("Why the consultation is withdrawn (published with it)."),
        error_messages={
            "required": _("Say why the consultation is withdrawn."),
            "blank": _("Say why the consultation is withdrawn."),
        },
    )


class ConsultationFilterSerializer(serializers.Serializer):
    """Query parameters of the consultation list."""

    status = EnumChoiceField(
        Consultation.Status.choices,
        enum_name="ConsultationStatus",
        required=False,
        help_text=_(
            "Effective status. `draft` lists the drafts of the institutions where you are an "
            "official (empty for everyone else)."
        ),
        error_messages={"invalid_choice": _("Choose a valid status.")},
    )
    institution = serializers.SlugField(
        required=False, help_text=_("Slug of the institution holding the consultation.")
    )
    kind = kind_field(
        required=False,
        error_messages={"invalid_choice": _("Choose a valid kind of consultation.")},
    )
    q = serializers.CharField(
        required=False, max_length=200, help_text=_("Words in the title or the summary.")
    )
