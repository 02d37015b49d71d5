from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Before the consultation workspace: its "<slug>/" would take "moderation/".
    path("workspace/plans/", include("plans.workspace_urls")),
    path("workspace/", include("comments.workspace_urls")),
    path("workspace/", include("consult.workspace_urls")),
    path("", include("search.urls")),
    path("", include("dashboard.urls")),
    path("", include("plans.urls")),
    path("", include("subscriptions.urls")),
    path("", include("subscriptions.feed_urls")),
    path("", include("comments.urls")),
    path("", include("reports.urls")),
    path("", include("reports.export_urls")),
    path("", include("hearings.urls")),
    path("", include("consult.urls")),
    path("", include("proposals.urls")),
]

if settings.BENCH_FLOOR:  # the benchmarks' floor (bench/run.py); off unless BENCH_FLOOR=1
    urlpatterns.insert(0, path("bench/floor", views.bench_floor, name="bench-floor"))
