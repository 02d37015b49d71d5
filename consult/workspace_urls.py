"""URLs of the officials' workspace, mounted at ``/workspace/`` (``config/urls.py``)."""

from django.urls import path

from . import workspace_views as views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.consultation_create, name="create"),
    path("round-hint/", views.round_hint, name="round_hint"),
    path("<slug:slug>/", views.manage, name="manage"),
    path("<slug:slug>/edit/", views.consultation_edit, name="edit"),
    path("<slug:slug>/schedule/", views.consultation_schedule, name="schedule"),
    path("<slug:slug>/open/", views.consultation_open, name="open"),
    path("<slug:slug>/close/", views.consultation_close, name="close"),
    path("<slug:slug>/withdraw/", views.consultation_withdraw, name="withdraw"),
    path("<slug:slug>/drafts/new/", views.draft_upload, name="draft_upload"),
    path(
        "<slug:slug>/drafts/<slug:proposal>/versions/new/",
        views.version_upload,
        name="version_upload",
    ),
    path(
        "<slug:slug>/drafts/<slug:proposal>/translations/new/",
        views.translation_upload,
        name="translation_upload",
    ),
]
