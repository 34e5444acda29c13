from core.testing_schema import fetch_schema as schema
from core.testing_schema import operation, request_body


def test_schema_lists_the_webhooks_and_project_types(anon):
    doc = schema(anon)
    paths = {path.rstrip("/") for path in doc["paths"]}
    assert {
        "/api/webhooks/n8n/inspiration/{target_id}",
        "/api/webhooks/n8n/project_creation/{target_id}",
        "/api/webhooks/n8n/project_execution/{target_id}",
        "/api/webhooks/n8n/task_update/{target_id}",
        "/api/project-types",
        "/api/project-types/{code}",
        "/api/project-types/{code}/activate",
        "/api/project-types/{code}/deactivate",
        "/api/project-types/categories/list",
        "/api/project-types/sort-order",
    } <= paths


def test_webhooks_accept_a_token_or_a_signature(anon):
    doc = schema(anon)
    callback = operation(doc["paths"], "/api/webhooks/n8n/project_creation/{target_id}", "post")
    schemes = {name for requirement in callback["security"] for name in requirement}
    assert {"n8nSignature", "tokenAuth"} <= schemes
    body = request_body(doc, callback)
    assert {"status", "project", "tasks", "executionId", "runId"} <= set(body["properties"])
