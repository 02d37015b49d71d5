"""``GET /api/v1/search/?q=``: the search of ``/search/`` as JSON."""

from __future__ import annotations

from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .forms import SearchForm
from .serializers import SearchResponseSerializer


def _result_dict(result: selectors.Result) -> dict:
    consultation = result.consultation
    institution = result.institution
    language = get_language()
    return {
        "type": result.type,
        "title": result.title,
        "url": result.url,
        "snippet": result.snippet_text,
        "snippet_html": str(result.snippet),
        "byline": result.byline,
        "date": result.date,
        "consultation": (
            {"slug": consultation.slug, "title": consultation.title_in(language)}
            if consultation
            else None
        ),
        "institution": (
            {"slug": institution.slug, "name": institution.name} if institution else None
        ),
    }


class SearchView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Search the public record",
        description=(
            "Consultations, the current text of draft articles, published comments, position "
            "papers' summaries and institutions. Case and diacritics do not matter "
            "(`pergjegjesi` finds `përgjegjësi`); every word must match the start of a word "
            "(PostgreSQL) or a part of one (SQLite). 20 results per page."
        ),
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="The words (at most 200 chars)."),
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                enum=selectors.KINDS,
                description="Only results of this type.",
            ),
            OpenApiParameter("institution", OpenApiTypes.STR, description="Institution slug."),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=["scheduled", "open", "closed", "report_published", "withdrawn"],
                description="Effective status of the consultation.",
            ),
            OpenApiParameter("kind", OpenApiTypes.STR, description="Kind of act."),
            OpenApiParameter("year", OpenApiTypes.INT, description="Year the consultation opened."),
            OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1."),
        ],
        responses=SearchResponseSerializer,
        tags=["search"],
    )
    def get(self, request):
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        page = selectors.search(form.to_query())
        data = {
            "count": page.count,
            "page": page.page,
            "pages": page.pages,
            "facets": page.facets,
            "results": [_result_dict(r) for r in page.results],
        }
        return Response(SearchResponseSerializer(data).data)
