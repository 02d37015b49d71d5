"""``/search/``: one search box over the public record (``search.selectors``)."""

from __future__ import annotations

from django.http import QueryDict
from django.shortcuts import render

from . import selectors
from .forms import SearchForm


def _page_url(params: QueryDict, page: int) -> str:
    params = params.copy()
    params["page"] = str(page)
    return "?" + params.urlencode()


def search(request):
    institutions = list(selectors.institutions_for_filter().order_by("name"))
    form = SearchForm(request.GET or None, institutions=institutions)
    page = None
    if form.is_bound and form.is_valid():
        page = selectors.search(form.to_query())
    params = request.GET.copy()
    params.pop("page", None)
    type_links = []
    if page is not None and page.facets:
        for kind, label in selectors.KIND_LABELS.items():
            if kind in page.facets:
                kind_params = params.copy()
                kind_params["type"] = kind
                type_links.append((kind, label, page.facets[kind], "?" + kind_params.urlencode()))
        all_params = params.copy()
        all_params.pop("type", None)
        all_url = "?" + all_params.urlencode()
    else:
        all_url = ""
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "page": page,
            "type_links": type_links,
            "all_url": all_url,
            "total": sum(page.facets.values()) if page else 0,
            "previous_url": _page_url(params, page.page - 1) if page and page.has_previous else "",
            "next_url": _page_url(params, page.page + 1) if page and page.has_next else "",
        },
        status=status,
    )
