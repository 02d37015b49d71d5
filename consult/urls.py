from django.urls import path

from . import views

app_name = "consult"

urlpatterns = [
    path("", views.home, name="home"),
    path("consultations/", views.consultation_list, name="list"),
    path("consultations/<slug:slug>/", views.consultation_detail, name="detail"),
]
