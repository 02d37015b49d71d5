"""URLs of public hearings, included at "" before ``consult.urls`` (``config/urls.py``).

The officials' pages live under ``/workspace/<slug>/hearings/``: the consultation workspace's
own patterns (``consult.workspace_urls``, included earlier) match none of these paths, so they
fall through to here.
"""

from django.urls import path

from . import views

app_name = "hearings"

_hearing = "consultations/<slug:slug>/hearings/<int:pk>/"
_item = _hearing + "items/<int:item_id>/"
_workspace = "workspace/<slug:slug>/hearings/"

urlpatterns = [
    path(_hearing, views.detail, name="detail"),
    path(_hearing + "items/", views.item_post, name="item_post"),
    path(_item + "upvote/", views.item_upvote, name="item_upvote"),
    path(_item + "answer/", views.item_answer, name="item_answer"),
    path(_item + "hide/", views.item_hide, name="item_hide"),
    path(_item + "restore/", views.item_restore, name="item_restore"),
    path(_workspace + "new/", views.schedule, name="schedule"),
    path(_workspace + "<int:pk>/", views.manage, name="manage"),
    path(_workspace + "<int:pk>/edit/", views.edit, name="edit"),
    path(_workspace + "<int:pk>/start/", views.start, name="start"),
    path(_workspace + "<int:pk>/end/", views.end, name="end"),
    path(_workspace + "<int:pk>/cancel/", views.cancel, name="cancel"),
]
