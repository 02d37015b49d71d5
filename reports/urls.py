"""URLs of the consultation report, mounted at the site root (``config/urls.py``, before the
consultation pages so that ``consultations/<slug>/report/`` is not read as a draft document).
The downloads (``consultations/<slug>/report.<fmt>``) are in ``reports.export_urls``."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "reports"

_base = "consultations/<slug:slug>/report/"

urlpatterns = [
    path(_base, views.detail, name="detail"),
    path(_base + "versions/", views.versions, name="versions"),
    path(_base + "publish/", views.publish, name="publish"),
    path(_base + "meetings/", views.meeting_add, name="meeting_add"),
    path(_base + "meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
]
