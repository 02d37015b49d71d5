"""WebSocket routes (mounted by ``config.asgi`` behind the origin check and session auth)."""

from django.urls import path

from .consumers import ConsultationConsumer

websocket_urlpatterns = [
    path("ws/consultations/<slug:slug>/", ConsultationConsumer.as_asgi()),
]
