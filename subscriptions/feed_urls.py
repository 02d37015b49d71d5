"""Atom feeds (``subscriptions.feeds``), mounted at the site root (``config/urls.py``)."""

from django.urls import path

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("feeds/open/", feeds.OpenConsultationsFeed(), name="open"),
    path("feeds/institutions/<slug:slug>/", feeds.InstitutionFeed(), name="institution"),
    path("feeds/reports/", feeds.ReportsFeed(), name="reports"),
]
