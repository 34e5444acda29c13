from core.testing_schema import component, data_schema, operation, request_body
from core.testing_schema import fetch_schema as schema


def response_data(doc, op, status="200"):
    return component(doc, data_schema(op, status)["$ref"])


def test_schema_lists_every_inspiration_route(anon):
    paths = {path.rstrip("/") for path in schema(anon)["paths"]}
    assert {
        "/api/inspirations",
        "/api/inspirations/{id}",
        "/api/inspirations/{id}/approve",
        "/api/inspirations/{id}/reject",
        "/api/inspirations/{id}/regenerate",
    } <= paths


def test_schema_shows_the_bodies(anon):
    doc = schema(anon)
    paths = doc["paths"]
    assert request_body(doc, operation(paths, "/api/inspirations", "post"))["required"] == ["title"]
    update = request_body(doc, operation(paths, "/api/inspirations/{id}", "put"))
    assert {"status", "score", "score_details", "review_notes"} <= set(update["properties"])
    approve = request_body(doc, operation(paths, "/api/inspirations/{id}/approve", "post"))
    assert approve["properties"]["score"]["maximum"] == 5
    regenerate = request_body(doc, operation(paths, "/api/inspirations/{id}/regenerate", "post"))
    assert "parameter_overrides" in regenerate["properties"]


def test_schema_documents_the_project_id_of_an_approval(anon):
    doc = schema(anon)
    approve = operation(doc["paths"], "/api/inspirations/{id}/approve", "post")
    assert "project_id" in response_data(doc, approve)["properties"]
    created = operation(doc["paths"], "/api/inspirations", "post")
    assert "project_id" not in response_data(doc, created, "201")["properties"]
