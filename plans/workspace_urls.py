"""The officials' plan pages, mounted at ``/workspace/plans/`` (``config/urls.py``, before the
consultation workspace, whose ``<slug>/`` would take "plans/"; "plans" is a reserved
consultation slug)."""

from django.urls import path

from . import workspace_views as views

app_name = "workspace_plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_manage, name="manage"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/publish/", views.plan_publish, name="publish"),
    path("<int:pk>/items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/link/", views.item_link, name="item_link"),
    path("items/<int:pk>/drop/", views.item_drop, name="item_drop"),
    path("items/<int:pk>/restore/", views.item_restore, name="item_restore"),
    path("items/<int:pk>/start/", views.item_start, name="item_start"),
]
