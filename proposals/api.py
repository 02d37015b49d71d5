"""REST endpoints for draft documents, under ``consultations/<slug>/proposals/``.

Everything here is nested in a consultation and follows its visibility (``consult.api``): a draft
consultation's documents are a 404 to people who may not see it. Documents are found by slug,
versions by number, sections by their stable key; a key is always looked up *inside* the document
named in the URL, so a key of another document or consultation is never found.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from accounts.serializers import error_responses
from consult.api import visible_consultation

from . import services
from .diff import diff_stats, version_diff
from .models import Proposal, ProposalVersion, Section
from .selectors import (
    Tally,
    attach_display,
    proposal_get,
    proposal_list,
    section_tree,
    text_language,
    user_votes,
    version_flat_sections,
    version_languages,
    version_list,
    vote_tallies,
    whole_draft_tally,
    with_translation,
)
from .serializers import (
    DiffQuerySerializer,
    DiffSerializer,
    MyVotesSerializer,
    ProposalDetailSerializer,
    ProposalSerializer,
    ProposalUploadSerializer,
    SectionDetailSerializer,
    TextLanguageQuerySerializer,
    VersionDetailSerializer,
    VersionSerializer,
    VersionUploadSerializer,
    VoteResultSerializer,
    VoteSerializer,
    VoteTargetSerializer,
)

TAG = ["proposals"]
VOTE_TAG = ["votes"]

_PATH_PARAMETERS = {
    "slug": "The consultation's slug.",
    "proposal_slug": "The draft document's slug (unique within its consultation).",
    "number": "The version's number (1, 2, ...).",
    "key": "The section's stable key, e.g. `neni-5` or `neni-5-2`.",
}


def path_parameters(*names: str) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            name,
            int if name == "number" else str,
            OpenApiParameter.PATH,
            description=_PATH_PARAMETERS[name],
        )
        for name in names
    ]


IN_CONSULTATION = path_parameters("slug")
IN_PROPOSAL = path_parameters("slug", "proposal_slug")


# --- look-ups ------------------------------------------------------------------------------


def visible_proposal(request, slug: str, proposal_slug: str) -> Proposal:
    consultation = visible_consultation(request, slug)
    try:
        return proposal_get(consultation, proposal_slug)
    except Proposal.DoesNotExist:
        raise NotFound(
            _("There is no draft document with this identifier in this consultation.")
        ) from None


def section_for_vote(proposal: Proposal, key: str | None) -> Section | None:
    """The section of *this* draft with ``key`` (``None`` for the whole draft); a 400 on the
    ``section`` field otherwise."""
    if not key:
        return None
    section = Section.objects.filter(proposal=proposal, key=key).first()
    if section is None:
        raise ValidationError({"section": _("This draft has no section with this key.")})
    return section


def _section_row(section: Section, parent_key: str, **extra) -> dict:
    return {
        "key": section.key,
        "kind": section.kind,
        "number": section.number,
        "title": getattr(section, "display_title", None) or section.title,
        "body": getattr(section, "display_body", None) or section.body,
        "parent_key": parent_key,
        "depth": section.depth,
        "position": section.position,
        **extra,
    }


def _tree_rows(nodes, parent_key: str = "") -> list[dict]:
    rows = []
    for node in nodes:
        rows.append(_section_row(node.section, parent_key, tally=node.tally, my_vote=node.my_vote))
        rows.extend(_tree_rows(node.children, node.section.key))
    return rows


def _version_row(version: ProposalVersion, proposal: Proposal, **extra) -> dict:
    author = version.created_by
    return {
        "number": version.number,
        "note": version.note,
        "created_by": (author.display_name or None) if author else None,
        "created_at": version.created_at,
        "section_count": getattr(version, "n_sections", None),
        "is_current": version.pk == proposal.current_version_id,
        "original_language": version.language,
        "available_languages": version_languages(version),
        **extra,
    }


def _requested_language(request) -> str | None:
    """``?lang=`` (a 400 on ``lang`` for a code that is not a site language)."""
    if "lang" not in request.query_params:
        return None
    query = TextLanguageQuerySerializer(data={"lang": request.query_params["lang"]})
    query.is_valid(raise_exception=True)
    return query.validated_data.get("lang")


def _vote_result(proposal: Proposal, section: Section | None, choice: str | None) -> dict:
    if section is None:
        tally = whole_draft_tally(proposal)
    else:
        tally = vote_tallies(proposal, section_ids=[section.pk]).get(section.pk, Tally())
    return {"section": section.key if section else None, "choice": choice, "tally": tally}


# --- documents -----------------------------------------------------------------------------


class ProposalListView(GenericAPIView):
    """The draft documents of a consultation; officials add one by uploading a file."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ProposalSerializer
    pagination_class = None

    @extend_schema(
        tags=TAG,
        summary="List the draft documents of a consultation",
        responses={200: ProposalSerializer(many=True), **error_responses(404)},
        parameters=IN_CONSULTATION,
    )
    def get(self, request, slug: str):
        consultation = visible_consultation(request, slug)
        return Response(ProposalSerializer(proposal_list(consultation), many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Add a draft document from a .docx, .md or .txt file (officials)",
        description=(
            "The file is parsed into preamble, chapters, articles, paragraphs and points. A file "
            "that cannot be read, is empty or has no articles is refused with the reasons under "
            "`file`, and nothing is stored."
        ),
        request={"multipart/form-data": ProposalUploadSerializer},
        responses={201: ProposalDetailSerializer, **error_responses(400, 403, 404)},
        parameters=IN_CONSULTATION,
    )
    def post(self, request, slug: str):
        consultation = visible_consultation(request, slug)
        serializer = ProposalUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        upload = data.pop("file")
        proposal = services.proposal_import(
            actor=request.user,
            consultation=consultation,
            data=upload.read(),
            filename=upload.name,
            **{k: v for k, v in data.items() if v},
        )
        return Response(
            proposal_detail_data(request, visible_proposal(request, slug, proposal.slug)),
            status=status.HTTP_201_CREATED,
        )


def proposal_detail_data(request, proposal: Proposal, language: str | None = None) -> dict:
    version = proposal.current_version
    shown = text_language(version, language) if version is not None else None
    roots, tally, my_vote = section_tree(proposal, user=request.user, language=shown)
    titles = (version.title_translations or {}) if version is not None else {}
    proposal.display_title = titles.get(shown) or proposal.title
    proposal.text_language = shown
    proposal.available_languages = version_languages(version)
    proposal.tally = tally
    proposal.my_vote = my_vote
    proposal.section_rows = sorted(_tree_rows(roots), key=lambda row: row["position"])
    return ProposalDetailSerializer(proposal).data


class ProposalDetailView(GenericAPIView):
    serializer_class = ProposalDetailSerializer

    @extend_schema(
        tags=TAG,
        summary="Retrieve a draft document with its current text and vote tallies",
        description=(
            "Sections come flat, in document order; `parent_key` and `depth` give the tree. "
            "`tally` counts the votes on the whole draft, each section's `tally` the votes on it; "
            "`my_vote` is the signed-in person's own vote. With `?lang=`, the title and the "
            "sections' text in that language when the current version is translated into it; "
            "keys, tallies and votes are the same in every language."
        ),
        responses={200: ProposalDetailSerializer, **error_responses(400, 404)},
        parameters=[*IN_PROPOSAL, TextLanguageQuerySerializer],
    )
    def get(self, request, slug: str, proposal_slug: str):
        language = _requested_language(request)
        proposal = visible_proposal(request, slug, proposal_slug)
        return Response(proposal_detail_data(request, proposal, language))


class SectionDetailView(GenericAPIView):
    serializer_class = SectionDetailSerializer

    @extend_schema(
        tags=TAG,
        summary="Retrieve one section of a draft with its vote tally",
        description=(
            "With `?lang=`, the title and text in that language when the current version is "
            "translated into it (`language` says which language the text is in)."
        ),
        responses={200: SectionDetailSerializer, **error_responses(400, 404)},
        parameters=[*path_parameters("slug", "proposal_slug", "key"), TextLanguageQuerySerializer],
    )
    def get(self, request, slug: str, proposal_slug: str, key: str):
        language = _requested_language(request)
        proposal = visible_proposal(request, slug, proposal_slug)
        version = proposal.current_version
        shown = text_language(version, language)
        section = (
            with_translation(
                Section.objects.select_related("parent").filter(proposal=proposal, key=key),
                version if language else None,
                shown,
            )
        ).first()
        if section is None:
            raise NotFound(_("This draft has no section with this key."))
        attach_display([section])
        row = _section_row(
            section,
            section.parent.key if section.parent else "",
            tally=vote_tallies(proposal, section_ids=[section.pk]).get(section.pk, Tally()),
            my_vote=user_votes(request.user, proposal).get(section.pk),
            is_current=section.is_current,
            language=shown,
        )
        return Response(SectionDetailSerializer(row).data)


# --- versions ------------------------------------------------------------------------------


class VersionListView(GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = VersionSerializer
    pagination_class = None

    @extend_schema(
        tags=TAG,
        summary="List the published versions of a draft, newest first",
        responses={200: VersionSerializer(many=True), **error_responses(404)},
        parameters=IN_PROPOSAL,
    )
    def get(self, request, slug: str, proposal_slug: str):
        proposal = visible_proposal(request, slug, proposal_slug)
        rows = [_version_row(v, proposal) for v in version_list(proposal)]
        return Response(VersionSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Publish a revised text of a draft (officials)",
        description=(
            "Sections keep their keys when they are recognisably the same article, so votes and "
            "comments stay attached. A file with errors is refused under `file`; nothing is "
            "stored."
        ),
        request={"multipart/form-data": VersionUploadSerializer},
        responses={201: VersionSerializer, **error_responses(400, 403, 404)},
        parameters=IN_PROPOSAL,
    )
    def post(self, request, slug: str, proposal_slug: str):
        proposal = visible_proposal(request, slug, proposal_slug)
        serializer = VersionUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        version = services.proposal_version_publish(
            actor=request.user,
            proposal=proposal,
            data=upload.read(),
            filename=upload.name,
            note=serializer.validated_data["note"],
        )
        proposal.refresh_from_db(fields=["current_version"])
        stored = version_list(proposal).get(pk=version.pk)
        return Response(
            VersionSerializer(_version_row(stored, proposal)).data, status=status.HTTP_201_CREATED
        )


class VersionDetailView(GenericAPIView):
    serializer_class = VersionDetailSerializer

    @extend_schema(
        tags=TAG,
        summary="Retrieve the text of one version of a draft",
        description=(
            "With `?lang=`, the sections' text in that language when the version is translated "
            "into it (`language` says which language the text is in)."
        ),
        responses={200: VersionDetailSerializer, **error_responses(400, 404)},
        parameters=[
            *path_parameters("slug", "proposal_slug", "number"),
            TextLanguageQuerySerializer,
        ],
    )
    def get(self, request, slug: str, proposal_slug: str, number: int):
        language = _requested_language(request)
        proposal = visible_proposal(request, slug, proposal_slug)
        version = version_list(proposal).filter(number=number).first()
        if version is None:
            raise NotFound(_("This draft has no version with this number."))
        shown = text_language(version, language)
        sections = [dataclasses.asdict(s) for s in version_flat_sections(version, language=shown)]
        return Response(
            VersionDetailSerializer(
                _version_row(version, proposal, sections=sections, language=shown)
            ).data
        )


class DiffView(GenericAPIView):
    serializer_class = DiffSerializer

    @extend_schema(
        tags=TAG,
        summary="Compare two versions of a draft, section by section",
        description=(
            "Sections are joined by key. `title_html` and `body_html` show word differences as "
            "escaped HTML with `<del>` and `<ins>`; `moved` marks a section renumbered between "
            "the versions. With `?lang=`, the two versions' texts in that language when both "
            "are translated into it, else in their original language (`language` says which)."
        ),
        parameters=[*IN_PROPOSAL, DiffQuerySerializer, TextLanguageQuerySerializer],
        responses={200: DiffSerializer, **error_responses(400, 404)},
    )
    def get(self, request, slug: str, proposal_slug: str):
        language = _requested_language(request)
        proposal = visible_proposal(request, slug, proposal_slug)
        query = DiffQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        numbers = dict(
            ProposalVersion.objects.filter(proposal=proposal).values_list("number", "pk")
        )
        current = proposal.current_version.number if proposal.current_version else None
        to_number = query.validated_data.get("to") or current or max(numbers, default=0)
        from_number = query.validated_data.get("from") or to_number - 1
        errors = {}
        for field, number in (("from", from_number), ("to", to_number)):
            if number < 1:
                errors[field] = _("There is no earlier version to compare with.")
            elif number not in numbers:
                errors[field] = _("This draft has no version %(number)d.") % {"number": number}
        if errors:
            raise ValidationError(errors)
        versions = ProposalVersion.objects.in_bulk([numbers[from_number], numbers[to_number]])
        old, new = versions[numbers[from_number]], versions[numbers[to_number]]
        # As on the diff page: the translation when both versions have one, else the originals.
        both = language in old.languages and language in new.languages
        shown = language if both else new.language
        changes = version_diff(
            version_flat_sections(old, language=shown),
            version_flat_sections(new, language=shown),
        )
        data = {
            "language": shown,
            "from_number": from_number,
            "to_number": to_number,
            "stats": diff_stats(changes),
            "changes": changes,
        }
        return Response(DiffSerializer(data).data)


# --- votes ---------------------------------------------------------------------------------


class VoteView(GenericAPIView):
    """Cast, change or withdraw the signed-in person's vote on a draft or one of its sections.

    Voting needs a verified account and an open consultation. One vote per person per target:
    voting again changes the vote.
    """

    permission_classes = [IsAuthenticated]
    serializer_class = VoteSerializer

    @extend_schema(
        tags=VOTE_TAG,
        summary="Vote on a draft or one of its sections",
        request=VoteSerializer,
        responses={
            200: OpenApiResponse(
                VoteResultSerializer, description="The vote and the target's updated tally."
            ),
            **error_responses(400, 403, 404),
        },
        parameters=IN_PROPOSAL,
    )
    def post(self, request, slug: str, proposal_slug: str):
        proposal = visible_proposal(request, slug, proposal_slug)
        serializer = VoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        section = section_for_vote(proposal, serializer.validated_data.get("section"))
        vote = services.vote_cast(
            actor=request.user,
            proposal=proposal,
            choice=serializer.validated_data["choice"],
            section=section,
        )
        return Response(VoteResultSerializer(_vote_result(proposal, section, vote.choice)).data)

    @extend_schema(
        tags=VOTE_TAG,
        summary="Withdraw your vote on a draft or one of its sections",
        parameters=[*IN_PROPOSAL, VoteTargetSerializer],
        responses={
            200: OpenApiResponse(
                VoteResultSerializer, description="The target's updated tally (`choice` is null)."
            ),
            **error_responses(400, 403, 404),
        },
    )
    def delete(self, request, slug: str, proposal_slug: str):
        proposal = visible_proposal(request, slug, proposal_slug)
        query = VoteTargetSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        section = section_for_vote(proposal, query.validated_data.get("section"))
        services.vote_retract(actor=request.user, proposal=proposal, section=section)
        return Response(VoteResultSerializer(_vote_result(proposal, section, None)).data)


class MyVotesView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = MyVotesSerializer

    @extend_schema(
        tags=VOTE_TAG,
        summary="Your votes on a draft, by section key",
        responses={200: MyVotesSerializer, **error_responses(403, 404)},
        parameters=IN_PROPOSAL,
    )
    def get(self, request, slug: str, proposal_slug: str):
        proposal = visible_proposal(request, slug, proposal_slug)
        votes = user_votes(request.user, proposal)
        keys = dict(
            Section.objects.filter(pk__in=[pk for pk in votes if pk]).values_list("pk", "key")
        )
        data = {
            "proposal": votes.get(None),
            "sections": {keys[pk]: choice for pk, choice in votes.items() if pk in keys},
        }
        return Response(MyVotesSerializer(data).data)
