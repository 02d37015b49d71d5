"""URLs of the officials' and moderators' pages about submissions, mounted at ``/workspace/``.

``config/urls.py`` includes them before ``consult.workspace_urls``: that file's catch-all
``<slug:slug>/`` (a consultation's page) would otherwise take ``moderation/``.
"""

from django.urls import path

from . import workspace_views as views

app_name = "submissions"

urlpatterns = [
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<str:tracking_number>/hide/", views.moderation_hide, name="hide"),
    path("moderation/<str:tracking_number>/restore/", views.moderation_restore, name="restore"),
    path("moderation/<str:tracking_number>/block/", views.moderation_block, name="block"),
    path("moderation/people/<int:user_id>/unblock/", views.moderation_unblock, name="unblock"),
    path("<slug:slug>/submissions/", views.submission_list, name="list"),
    path(
        "<slug:slug>/submissions/<str:tracking_number>/answer/",
        views.answer,
        name="answer",
    ),
    path(
        "<slug:slug>/submissions/<str:tracking_number>/pdf/",
        views.paper_pdf,
        name="paper_pdf",
    ),
]
