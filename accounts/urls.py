from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("data/", views.data_export, name="data_export"),
    path("delete/", views.account_delete, name="delete"),
    path("delete/done/", views.account_deleted, name="deleted"),
    path("people/<int:pk>/delete/", views.account_delete_other, name="delete_other"),
]
