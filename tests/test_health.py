import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_names_database_and_channel_layer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["engine"] in {"sqlite", "postgresql"}
    assert body["channel_layer"]["ok"] is True
    assert body["channel_layer"]["backend"]


@pytest.mark.django_db
def test_healthz_reports_a_channel_layer_that_does_not_answer(client, settings):
    from channels.layers import channel_layers

    broken = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},  # nothing listens on port 1
        }
    }
    with override_settings(CHANNEL_LAYERS=broken):
        channel_layers.backends.clear()
        try:
            response = client.get("/healthz")
        finally:
            channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["channel_layer"]["ok"] is False
    assert response.json()["database"]["ok"] is True
