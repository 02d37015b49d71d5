"""REST serializers for draft documents, their versions, sections, differences and votes.

Sections are served flat, in document order, each naming its parent's key: a client rebuilds the
tree from ``parent_key`` (or indents by ``depth``) without recursive JSON. Read serializers take
plain dicts built by ``proposals.api`` from the selectors, and ``selectors.Tally`` objects for
vote counts.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.serializers import EnumChoiceField, RejectUnknownFieldsMixin

from .diff import ADDED, CHANGED, REMOVED, UNCHANGED
from .labels import section_label
from .models import Proposal, SectionKind, Vote

CHANGE_STATUSES = [
    (ADDED, _("Added")),
    (REMOVED, _("Removed")),
    (CHANGED, _("Changed")),
    (UNCHANGED, _("Unchanged")),
]


def vote_choice_field(**kwargs) -> EnumChoiceField:
    return EnumChoiceField(Vote.Choice.choices, enum_name="VoteChoice", **kwargs)


def _with_leading(fields: dict, leading: dict) -> dict:
    """Fields whose names are Python keywords (``for``, ``from``) cannot be declared in a class
    body; they are added here, in front of the declared ones."""
    return {**leading, **fields}


class TallySerializer(serializers.Serializer):
    """Votes counted for the whole draft or one section."""

    against = serializers.IntegerField(read_only=True)
    abstain = serializers.IntegerField(read_only=True)
    total = serializers.IntegerField(read_only=True)

    def get_fields(self):
        return _with_leading(
            super().get_fields(),
            {"for": serializers.IntegerField(source="votes_for", read_only=True)},
        )


def language_field(**kwargs) -> EnumChoiceField:
    return EnumChoiceField(settings.LANGUAGES, enum_name="TextLanguage", **kwargs)


class TextLanguageQuerySerializer(serializers.Serializer):
    """``?lang=``: the language to return the text in."""

    lang = language_field(
        required=False,
        help_text=_(
            "Return the text in this language when it is translated into it (else in its "
            "original language; `language` says which). By default, the original language."
        ),
        error_messages={"invalid_choice": _("Choose one of the site's languages.")},
    )


class ProposalSerializer(serializers.ModelSerializer):
    """A draft document of a consultation."""

    kind = EnumChoiceField(Proposal.Kind.choices, enum_name="ProposalKind", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    current_version = serializers.IntegerField(
        source="current_version.number",
        read_only=True,
        allow_null=True,
        help_text=_("Number of the current published version."),
    )

    class Meta:
        model = Proposal
        fields = ["slug", "title", "kind", "kind_display", "position", "current_version"]
        read_only_fields = fields


class SectionSerializer(serializers.Serializer):
    """One section's text: a preamble, chapter, article, paragraph or point."""

    key = serializers.SlugField(
        read_only=True, help_text=_("Stable identifier, kept across versions of the draft.")
    )
    kind = EnumChoiceField(SectionKind.choices, enum_name="SectionKind", read_only=True)
    number = serializers.CharField(read_only=True)
    label = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    parent_key = serializers.CharField(
        read_only=True, help_text=_("Key of the enclosing section; empty at the top level.")
    )
    depth = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)

    def get_label(self, section: dict) -> str:
        return section_label(section["kind"], section["number"], section["title"])


class CurrentSectionSerializer(SectionSerializer):
    """One section of the current text with its vote tally."""

    tally = TallySerializer(read_only=True)
    my_vote = vote_choice_field(
        read_only=True, allow_null=True, help_text=_("Your vote on this section, if any.")
    )


class SectionDetailSerializer(CurrentSectionSerializer):
    """One section with its vote tally."""

    is_current = serializers.BooleanField(
        read_only=True,
        help_text=_("False when the section is not in the current version of the draft."),
    )
    language = language_field(
        read_only=True,
        allow_null=True,
        help_text=_("The language of the sections' text in this response."),
    )


class ProposalDetailSerializer(ProposalSerializer):
    """A draft document with its current text, section by section, and the votes on it."""

    # The view sets ``tally``, ``my_vote`` and ``section_rows`` on the proposal (built from
    # ``selectors.section_tree``).

    consultation = serializers.SlugField(source="consultation.slug", read_only=True)
    title = serializers.CharField(
        source="display_title",
        read_only=True,
        help_text=_("The title, in `language` when the file of the translation had one."),
    )
    language = language_field(
        source="text_language",
        read_only=True,
        allow_null=True,
        help_text=_("The language of the title and the sections' text in this response."),
    )
    available_languages = serializers.ListField(
        child=language_field(),
        read_only=True,
        help_text=_("The languages the current text can be read in, the original first."),
    )
    tally = TallySerializer(read_only=True, help_text=_("Votes on the whole draft."))
    my_vote = vote_choice_field(
        read_only=True, allow_null=True, help_text=_("Your vote on the whole draft, if any.")
    )
    sections = CurrentSectionSerializer(source="section_rows", many=True, read_only=True)

    class Meta(ProposalSerializer.Meta):
        fields = [
            "consultation",
            *ProposalSerializer.Meta.fields,
            "created_at",
            "language",
            "available_languages",
            "tally",
            "my_vote",
            "sections",
        ]
        read_only_fields = fields


def _megabytes(size: int) -> str:
    text = f"{size / (1024 * 1024):.1f}"
    return text[:-2] if text.endswith(".0") else text


class DraftFileField(serializers.FileField):
    """An uploaded draft (.docx, .md, .txt). Only the size is checked here; the content is
    checked by parsing it (``proposals.importer``), in the service."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", _("The draft as a Word (.docx), Markdown (.md) or text (.txt) file.")
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose a file to upload."),
                "invalid": _("The upload is not a file. Send it as multipart/form-data."),
                "no_name": _("The file has no name."),
            },
        )
        super().__init__(allow_empty_file=True, use_url=False, **kwargs)

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        limit = settings.DRAFT_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise serializers.ValidationError(
                _("The file is %(size)s MB, larger than the limit of %(limit)s MB.")
                % {"size": _megabytes(upload.size), "limit": _megabytes(limit)}
            )
        return upload


class ProposalUploadSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    file = DraftFileField()
    title = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=250,
        help_text=_("Title of the document; by default the title found in the file."),
    )
    kind = EnumChoiceField(
        Proposal.Kind.choices,
        enum_name="ProposalKind",
        required=False,
        error_messages={"invalid_choice": _("Choose a valid kind of document.")},
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=_("A note shown with the first version."),
    )


class VersionSerializer(serializers.Serializer):
    """One published text of a draft document."""

    number = serializers.IntegerField(read_only=True)
    note = serializers.CharField(read_only=True)
    created_by = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("Display name of the official who published it."),
    )
    created_at = serializers.DateTimeField(read_only=True)
    section_count = serializers.IntegerField(read_only=True)
    is_current = serializers.BooleanField(read_only=True)
    original_language = language_field(
        read_only=True, help_text=_("The language the version was written in.")
    )
    available_languages = serializers.ListField(
        child=language_field(),
        read_only=True,
        help_text=_("The languages the version can be read in, the original first."),
    )


class VersionDetailSerializer(VersionSerializer):
    """One published text of a draft document, with its sections."""

    language = language_field(
        read_only=True, help_text=_("The language of the sections' text in this response.")
    )
    sections = SectionSerializer(many=True, read_only=True)


class VersionUploadSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    file = DraftFileField()
    note = serializers.CharField(
        max_length=2000,
        help_text=_("What changed in this version (shown to readers)."),
        error_messages={
            "required": _("Say briefly what changed in this version."),
            "blank": _("Say briefly what changed in this version."),
        },
    )


class DiffQuerySerializer(serializers.Serializer):
    """``?from=1&to=2``; by default the version before the current one and the current one."""

    def get_fields(self):
        messages = {
            "invalid": _("Give a version number."),
            "min_value": _("Version numbers start at 1."),
        }
        return _with_leading(
            super().get_fields(),
            {
                "from": serializers.IntegerField(
                    required=False,
                    min_value=1,
                    help_text=_("The older version's number."),
                    error_messages=messages,
                ),
                "to": serializers.IntegerField(
                    required=False,
                    min_value=1,
                    help_text=_("The newer version's number (by default the current one)."),
                    error_messages=messages,
                ),
            },
        )


class DiffSideSerializer(serializers.Serializer):
    """A section as it stood in one of the two versions compared."""

    kind = EnumChoiceField(SectionKind.choices, enum_name="SectionKind", read_only=True)
    number = serializers.CharField(read_only=True)
    label = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)

    def get_label(self, section) -> str:
        return section_label(section.kind, section.number, section.title)


class SectionChangeSerializer(serializers.Serializer):
    """One section compared between two versions."""

    key = serializers.SlugField(read_only=True)
    status = EnumChoiceField(CHANGE_STATUSES, enum_name="SectionChangeStatus", read_only=True)
    moved = serializers.BooleanField(
        read_only=True, help_text=_("In both versions, under a different number.")
    )
    old = DiffSideSerializer(read_only=True, allow_null=True)
    new = DiffSideSerializer(read_only=True, allow_null=True)
    title_html = serializers.CharField(
        read_only=True,
        help_text=_("The title's word differences as escaped HTML with <del> and <ins>."),
    )
    body_html = serializers.CharField(
        read_only=True,
        help_text=_("The text's word differences as escaped HTML with <del> and <ins>."),
    )


class DiffStatsSerializer(serializers.Serializer):
    """How many sections were added, removed, changed and left unchanged."""

    added = serializers.IntegerField(read_only=True)
    removed = serializers.IntegerField(read_only=True)
    changed = serializers.IntegerField(read_only=True)
    unchanged = serializers.IntegerField(read_only=True)


class DiffSerializer(serializers.Serializer):
    """Two versions of a draft compared section by section, in the newer version's order."""

    language = language_field(
        read_only=True, help_text=_("The language of the sections' text in this response.")
    )
    stats = DiffStatsSerializer(read_only=True)
    changes = SectionChangeSerializer(many=True, read_only=True)

    def get_fields(self):
        return _with_leading(
            super().get_fields(),
            {
                "from": serializers.IntegerField(source="from_number", read_only=True),
                "to": serializers.IntegerField(source="to_number", read_only=True),
            },
        )


class VoteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    choice = vote_choice_field(
        error_messages={
            "invalid_choice": _("Choose in favour, against or abstain."),
            "required": _("Choose in favour, against or abstain."),
            "null": _("Choose in favour, against or abstain."),
        },
    )
    section = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=80,
        default=None,
        help_text=_("Key of the section voted on; null (or absent) for the whole draft."),
    )


class VoteTargetSerializer(serializers.Serializer):
    """Query parameters of ``DELETE votes/``."""

    section = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=80,
        help_text=_("Key of the section whose vote is withdrawn; absent for the whole draft."),
    )


class VoteResultSerializer(serializers.Serializer):
    """Your vote on a draft or section and its updated tally."""

    section = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Section key; null for the whole draft.")
    )
    choice = vote_choice_field(
        read_only=True, allow_null=True, help_text=_("Your vote now; null when withdrawn.")
    )
    tally = TallySerializer(read_only=True)


class MyVotesSerializer(serializers.Serializer):
    """Your votes on a draft document."""

    proposal = vote_choice_field(
        read_only=True, allow_null=True, help_text=_("Your vote on the whole draft.")
    )
    sections = serializers.DictField(
        child=vote_choice_field(),
        read_only=True,
        help_text=_("Your votes by section key."),
    )
