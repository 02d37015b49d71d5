"""URLs of subscriptions, mounted at the site root (``config/urls.py``)."""

from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("accounts/profile/subscriptions/", views.mine, name="mine"),
    path("accounts/profile/subscriptions/settings/", views.settings_update, name="settings"),
    path("subscriptions/follow/", views.follow, name="follow"),
    path("subscriptions/unfollow/", views.unfollow, name="unfollow"),
    path("subscriptions/<int:pk>/frequency/", views.frequency, name="frequency"),
    path("subscriptions/<int:pk>/delete/", views.delete, name="delete"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
