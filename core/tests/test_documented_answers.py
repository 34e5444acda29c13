"""Answers `make fuzz` found undocumented or wrong once, kept as tests through the HTTP API:
each is a status the schema documents, with the body it documents."""

from django.test import override_settings

from core.roles import Role
from core.testing import error, token_client
from core.testing_schema import assert_documented


# The edge change of issue 9 (a 400 for every bad input before the database sees it) fixes
# these; until it merges they are 500s. Strict: remove the mark once they pass.
def test_a_missing_token_is_a_documented_401(anon):
    response = anon.get("/api/tasks")
    assert error(response, 401)
    assert_documented(response, "get", "/api/tasks/")


def test_a_role_not_allowed_is_a_documented_403(api):
    response = api.post("/api/tasks/claim", {"task_types": ["script"]}, format="json")
    assert error(response, 403).startswith("Forbidden for a client token")
    assert_documented(response, "post", "/api/tasks/claim/")


def test_a_field_a_worker_may_not_set_is_a_documented_403(worker_api, demo_types):
    project = token_client().post(
        "/projects", {"name": "p", "project_type": "image_post"}, format="json"
    )
    task_id = project.json()["data"]["tasks"][0]["id"]
    response = worker_api.patch(f"/api/tasks/{task_id}", {"priority": 3}, format="json")
    assert error(response, 403).startswith("priority: A worker token may set only")
    assert_documented(response, "patch", "/api/tasks/{id}/")


def test_too_many_requests_is_a_documented_429(db, settings):
    settings.SHORTSGEN_THROTTLE_RATES = {**settings.SHORTSGEN_THROTTLE_RATES, "n8n": "1/min"}
    n8n = token_client("test-n8n", Role.N8N)
    n8n.get("/api/project-types")
    response = n8n.get("/api/project-types")
    assert error(response, 429)
    assert_documented(response, "get", "/api/project-types/")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_is_a_documented_413(api):
    response = api.post("/api/assets", {"name": "x" * 2000}, format="json")
    assert error(response, 413)
    assert_documented(response, "post", "/api/assets/")


def test_a_body_not_json_is_a_documented_415(api):
    response = api.post("/api/assets", "name=x", content_type="application/x-www-form-urlencoded")
    assert error(response, 415)
    assert_documented(response, "post", "/api/assets/")


def test_a_method_a_webhook_does_not_have_is_a_405_not_a_403(n8n_api):
    # The role check ran before the handler lookup and refused a method nobody may call.
    response = n8n_api.put("/api/webhooks/n8n/task_update/1", {}, format="json")
    assert error(response, 405) == 'Method "PUT" not allowed.'


def test_a_skip_beyond_bigint_is_a_400(api):
    response = api.get("/api/assets", {"skip": 2**63})
    assert error(response, 400).startswith("skip: ")


def test_a_nul_character_in_a_json_object_is_a_400(api):
    body = {"config_name": "c", "config_type": "t", "worker_type": "w", "config_data": {"a": "\0"}}
    response = api.post("/api/worker-configs", body, format="json")
    assert error(response, 400)
