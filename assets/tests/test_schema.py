from core.testing_schema import data_schema, operation, request_body
from core.testing_schema import fetch_schema as schema


def test_schema_shows_the_asset_bodies(anon):
    doc = schema(anon)
    create = operation(doc["paths"], "/api/assets", "post")
    request = request_body(doc, create)
    assert {"name", "asset_type"} <= set(request["required"])
    assert set(create["responses"]) >= {"200", "201", "400", "401"}
    data = data_schema(create, "201")
    assert data["$ref"].endswith("/Asset")


def test_schema_lists_every_asset_route(anon):
    paths = {path.rstrip("/") for path in schema(anon)["paths"]}
    assert {
        "/api/assets",
        "/api/assets/{id}",
        "/api/assets/by-type/{asset_type}",
        "/api/assets/by-hash/{file_hash}",
    } <= paths


def test_schema_documents_delete_as_200_with_a_message(anon):
    doc = schema(anon)
    delete = operation(doc["paths"], "/api/assets/{id}", "delete")
    assert "204" not in delete["responses"]
    data = data_schema(delete)
    assert data["$ref"].endswith("/AssetDeleted")
