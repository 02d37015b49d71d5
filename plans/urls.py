"""Public pages of plans and institutions, mounted at the site root (``config/urls.py``)."""

from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("plans/", views.plan_index, name="index"),
    path("plans/<slug:institution>/<int:year>/", views.plan_detail, name="detail"),
    path("institutions/<slug:slug>/", views.institution_detail, name="institution"),
]
