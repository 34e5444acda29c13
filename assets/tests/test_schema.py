def schema(anon):
    return anon.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def operation(paths, prefix, method):
    return next(item[method] for path, item in paths.items() if path.rstrip("/") == prefix)


def test_schema_shows_the_asset_bodies(anon):
    doc = schema(anon)
    create = operation(doc["paths"], "/api/assets", "post")
    request_ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    request = doc["components"]["schemas"][request_ref.rsplit("/", 1)[1]]
    assert {"name", "asset_type"} <= set(request["required"])
    assert set(create["responses"]) >= {"200", "201", "400", "401"}
    data = create["responses"]["201"]["content"]["application/json"]["schema"]["properties"]["data"]
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
    data = delete["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]
    assert data["$ref"].endswith("/AssetDeleted")
