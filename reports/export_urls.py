"""URLs of the report downloads (``reports.export_views``), mounted at the site root by
``config/urls.py`` before the consultation pages."""

from __future__ import annotations

from django.urls import path, re_path

from . import export_views

app_name = "report_exports"

urlpatterns = [
    re_path(
        r"^consultations/(?P<slug>[-a-zA-Z0-9_]+)/report\.(?P<fmt>pdf|docx|xlsx|csv|json)$",
        export_views.download,
        name="download",
    ),
    path("exports/<uuid:token>/", export_views.status, name="status"),
    path("exports/<uuid:token>/status.json", export_views.status_json, name="status_json"),
    path("exports/<uuid:token>/download/", export_views.job_download, name="job_download"),
    path("api/report-schema.json", export_views.json_schema, name="schema"),
    path(
        "api/v1/consultations/<slug:slug>/report.json",
        export_views.ReportJsonView.as_view(),
        name="api_json",
    ),
]
