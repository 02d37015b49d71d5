"""REST endpoints for organisations: public, read-only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from .models import Organisation
from .selectors import organisation_list
from .serializers import OrganisationFilterSerializer, OrganisationSerializer, error_responses


@extend_schema_view(
    list=extend_schema(
        summary="List organisations",
        parameters=[OrganisationFilterSerializer],
        responses={200: OrganisationSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary="Retrieve an organisation by its slug",
        responses={200: OrganisationSerializer, **error_responses(404)},
    ),
)
@extend_schema(tags=["organisations"])
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Institutions, civil-society organisations and the other bodies that take part."""

    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    queryset = Organisation.objects.all()

    def get_queryset(self):
        if self.action == "list":
            filters = OrganisationFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            return organisation_list(kind=filters.validated_data.get("kind") or None)
        return Organisation.objects.all()
