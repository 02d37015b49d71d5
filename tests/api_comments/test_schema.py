"""The comment endpoints in the OpenAPI schema, which must still validate without warnings."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_is_valid_and_lists_the_comment_endpoints(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    expected = {
        "/api/v1/consultations/{slug}/proposals/{proposal_slug}/comments/": {"get", "post"},
        "/api/v1/comments/{id}/": {"get", "patch"},
        "/api/v1/comments/{id}/withdraw/": {"post"},
        "/api/v1/comments/{id}/history/": {"get"},
        "/api/v1/comments/{id}/reaction/": {"put", "delete"},
        "/api/v1/comments/{id}/flag/": {"post"},
        "/api/v1/comments/{id}/hide/": {"post"},
        "/api/v1/comments/{id}/restore/": {"post"},
        "/api/v1/comments/{id}/response/": {"put"},
        "/api/v1/consultations/{slug}/position-papers/": {"get", "post"},
        "/api/v1/position-papers/{tracking_number}/attachment/": {"get"},
        "/api/v1/position-papers/{tracking_number}/response/": {"put"},
        "/api/v1/submissions/{tracking_number}/": {"get"},
        "/api/v1/users/{id}/block/": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))

    comments = paths["/api/v1/consultations/{slug}/proposals/{proposal_slug}/comments/"]
    names = {p["name"] for p in comments["get"]["parameters"]}
    assert {"cursor", "ordering", "section", "parent", "threads"} <= names
    listed = comments["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["$ref"].endswith("/PaginatedCommentList")
    assert "Idempotency-Key" in {p["name"] for p in comments["post"]["parameters"]}

    components = schema["components"]["schemas"]
    assert components["CommentStance"]["enum"] == ["for", "against", "neutral"]
    assert components["CommentOrdering"]["enum"] == ["-created_at", "created_at", "-agree_count"]
    assert components["ReactionValue"]["enum"] == ["agree", "disagree"]
    upload = paths["/api/v1/consultations/{slug}/position-papers/"]["post"]["requestBody"]
    assert list(upload["content"]) == ["multipart/form-data"]
    download = paths["/api/v1/position-papers/{tracking_number}/attachment/"]["get"]
    assert "application/pdf" in download["responses"]["200"]["content"]
