"""Public pages of comments and position papers. Included at "" before ``proposals.urls``: the
paths under ``consultations/<slug>/<proposal>/`` end in ``comments/...``, which the draft pages
do not use."""

from django.urls import path

from . import views

app_name = "comments"

_draft = "consultations/<slug:slug>/<slug:proposal>/"

urlpatterns = [
    path("track/", views.track_lookup, name="track_lookup"),
    path("track/<str:number>/", views.track, name="track"),
    path(_draft + "comments/", views.draft_comments, name="draft_comments"),
    path(_draft + "comments/new/", views.comment_new, name="comment_new"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/withdraw/", views.comment_withdraw, name="comment_withdraw"),
    path("comments/<int:pk>/versions/", views.comment_versions, name="comment_versions"),
    path("comments/<int:pk>/react/", views.comment_react, name="comment_react"),
    path("comments/<int:pk>/flag/", views.comment_flag, name="comment_flag"),
    path("consultations/<slug:slug>/position-papers/", views.paper_list, name="paper_list"),
    path("consultations/<slug:slug>/position-papers/new/", views.paper_new, name="paper_new"),
    path(
        "position-papers/<str:tracking_number>/download/",
        views.paper_download,
        name="paper_download",
    ),
]
