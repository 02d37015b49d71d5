from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.index, name="index"),
    path("dashboard/data.json", views.data_json, name="json"),
    path("dashboard/data.csv", views.data_csv, name="csv"),
]
