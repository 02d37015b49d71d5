"""The OpenAPI schema and its documentation page."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_is_valid_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    for path in [
        "/api/v1/organisations/",
        "/api/v1/organisations/{slug}/",
        "/api/v1/consultations/",
        "/api/v1/consultations/{slug}/",
        "/api/v1/consultations/{slug}/schedule/",
        "/api/v1/consultations/{slug}/open/",
        "/api/v1/consultations/{slug}/close/",
        "/api/v1/consultations/{slug}/withdraw/",
        "/api/v1/consultations/{slug}/proposals/",
        "/api/v1/consultations/{slug}/proposals/{proposal_slug}/",
        "/api/v1/consultations/{slug}/proposals/{proposal_slug}/versions/",
        "/api/v1/consultations/{slug}/proposals/{proposal_slug}/versions/{number}/",
        "/api/v1/consultations/{slug}/proposals/{proposal_slug}/diff/",
        "/api/v1/consultations/{slug}/proposals/{proposal_slug}/sections/{key}/",
        "/api/v1/consultations/{slug}/proposals/{proposal_slug}/votes/",
        "/api/v1/consultations/{slug}/proposals/{proposal_slug}/votes/mine/",
    ]:
        assert path in paths, path
    components = schema["components"]["schemas"]
    assert components["VoteChoice"]["enum"] == ["for", "against", "abstain"]
    assert set(components["Tally"]["properties"]) == {"for", "against", "abstain", "total"}
    upload = paths["/api/v1/consultations/{slug}/proposals/"]["post"]["requestBody"]
    assert list(upload["content"]) == ["multipart/form-data"]


def test_schema_endpoint(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Konsulta API"


def test_docs_page_uses_only_local_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    external = [
        url
        for url in re.findall(r"""(?:https?:)?//[^\s"'<>)]+""", html)
        if not re.match(r"(?:https?:)?//(?:testserver|localhost|127\.0\.0\.1)(?:[:/]|$)", url)
    ]
    assert external == []
