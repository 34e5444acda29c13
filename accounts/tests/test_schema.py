from core.testing_schema import component, data_schema, operation
from core.testing_schema import fetch_schema as schema


def test_schema_lists_every_account_route(anon):
    paths = {path.rstrip("/") for path in schema(anon)["paths"]}
    assert {
        "/api/platform-accounts",
        "/api/platform-accounts/{id}",
        "/api/platform-accounts/{id}/reset-usage",
        "/api/platform-accounts/available/{platform}",
        "/api/platform-accounts/platforms/list",
    } <= paths


def test_schema_shows_the_create_body_and_masked_response(anon):
    doc = schema(anon)
    create = operation(doc["paths"], "/api/platform-accounts", "post")
    request = component(doc, create["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    assert set(request["required"]) == {"platform", "name"}
    assert request["properties"]["credentials"]["type"] == "object"
    data = data_schema(create, "201")
    account = component(doc, data["$ref"])
    assert account["properties"]["credentials"]["additionalProperties"]["enum"] == ["***masked***"]


def test_schema_shows_the_reset_usage_body(anon):
    doc = schema(anon)
    reset = operation(doc["paths"], "/api/platform-accounts/{id}/reset-usage", "post")
    request = component(doc, reset["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    assert request["properties"]["used_today"]["minimum"] == 0


def test_schema_names_the_platforms(anon):
    doc = schema(anon)
    available = operation(doc["paths"], "/api/platform-accounts/available/{platform}", "get")
    [parameter] = [p for p in available["parameters"] if p["name"] == "platform"]
    schema_ = parameter["schema"]
    enum = schema_.get("enum") or component(doc, schema_["$ref"])["enum"]
    assert enum == ["dreamina", "midjourney", "runway"]
