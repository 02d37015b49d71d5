"""REST endpoints for consultations.

Reads are public for public consultations (anything past ``draft``); a draft is visible only to
the officials of its institution, site staff and moderators, and everyone else gets a 404 (its
existence is not revealed). Writes call ``consult.services``, which check the permission and
validate; ``config.api.exception_handler`` turns their errors into 400/403 answers.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from accounts.serializers import error_responses

from . import services
from .models import Consultation
from .selectors import consultation_list, workspace_consultations
from .serializers import (
    ConsultationCreateSerializer,
    ConsultationDetailSerializer,
    ConsultationFilterSerializer,
    ConsultationSummarySerializer,
    ConsultationUpdateSerializer,
    WithdrawSerializer,
)

S = Consultation.Status


def visible_consultation(request, slug: str, *, with_proposals: bool = False) -> Consultation:
    """The consultation if the person may see it, else 404 (drafts are not revealed)."""
    qs = Consultation.objects.select_related("institution")
    if with_proposals:
        qs = qs.prefetch_related("proposals__current_version")
    consultation = qs.filter(slug=slug).first()
    if consultation is None or not request.user.has_perm("consult.view_consultation", consultation):
        raise NotFound(_("There is no consultation with this identifier."))
    return consultation


def filtered_consultations(user, *, status="", institution="", kind="", q="") -> QuerySet:
    """The list: public consultations by effective status; ``status=draft`` gives the drafts of
    the person's own institutions (all drafts for staff)."""
    if status != S.DRAFT:
        return consultation_list(status=status, institution=institution, kind=kind, q=q)
    qs = workspace_consultations(user).filter(status=S.DRAFT)
    if institution:
        qs = qs.filter(institution__slug=institution)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return qs.order_by("-created_at", "-pk")


TRANSITION_RESPONSES = {
    200: ConsultationDetailSerializer,
    **error_responses(400, 403, 404),
}


@extend_schema_view(
    list=extend_schema(
        summary="List consultations",
        parameters=[ConsultationFilterSerializer],
        responses={200: ConsultationSummarySerializer, **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary="Retrieve a consultation",
        responses={200: ConsultationDetailSerializer, **error_responses(404)},
    ),
    create=extend_schema(
        summary="Create a consultation (officials of the institution)",
        request=ConsultationCreateSerializer,
        responses={201: ConsultationDetailSerializer, **error_responses(400, 403)},
    ),
    partial_update=extend_schema(
        summary="Edit a consultation (officials of the institution)",
        request=ConsultationUpdateSerializer,
        responses={200: ConsultationDetailSerializer, **error_responses(400, 403, 404)},
    ),
)
@extend_schema(tags=["consultations"])
class ConsultationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Consultations: one institution asking the public about one or more draft texts."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = ConsultationSummarySerializer
    queryset = Consultation.objects.none()
    # Every action takes ``format``: the router also routes ``consultations/<slug>.json``.

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or self.action != "list":
            return Consultation.objects.none()
        filters = ConsultationFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return filtered_consultations(self.request.user, **filters.validated_data)

    def _detail(self, consultation: Consultation, code: int = status.HTTP_200_OK) -> Response:
        fresh = visible_consultation(self.request, consultation.slug, with_proposals=True)
        data = ConsultationDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code)

    def retrieve(self, request, slug: str, format=None):
        consultation = visible_consultation(request, slug, with_proposals=True)
        return Response(
            ConsultationDetailSerializer(consultation, context=self.get_serializer_context()).data
        )

    def create(self, request, format=None):
        serializer = ConsultationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consultation = services.consultation_create(actor=request.user, **serializer.validated_data)
        return self._detail(consultation, status.HTTP_201_CREATED)

    def partial_update(self, request, slug: str, format=None):
        consultation = visible_consultation(request, slug)
        serializer = ConsultationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consultation = services.consultation_update(
            actor=request.user, consultation=consultation, **serializer.validated_data
        )
        return self._detail(consultation)

    @extend_schema(
        summary="Schedule a draft consultation (it opens by itself at its opening time)",
        request=None,
        responses=TRANSITION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def schedule(self, request, slug: str, format=None):
        consultation = visible_consultation(request, slug)
        return self._detail(
            services.consultation_schedule(actor=request.user, consultation=consultation)
        )

    @extend_schema(
        summary="Open a consultation now",
        request=None,
        responses=TRANSITION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="open")
    def open_now(self, request, slug: str, format=None):
        consultation = visible_consultation(request, slug)
        return self._detail(
            services.consultation_open(actor=request.user, consultation=consultation)
        )

    @extend_schema(
        summary="Close an open consultation early",
        request=None,
        responses=TRANSITION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="close")
    def close_now(self, request, slug: str, format=None):
        consultation = visible_consultation(request, slug)
        return self._detail(
            services.consultation_close(actor=request.user, consultation=consultation)
        )

    @extend_schema(
        summary="Withdraw a consultation, saying why",
        request=WithdrawSerializer,
        responses=TRANSITION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, slug: str, format=None):
        consultation = visible_consultation(request, slug)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(
            services.consultation_withdraw(
                actor=request.user,
                consultation=consultation,
                reason=serializer.validated_data["reason"],
            )
        )
