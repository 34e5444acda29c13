def schema(anon):
    return anon.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def operation(paths, path, method):
    return next(item[method] for key, item in paths.items() if key.rstrip("/") == path)


def component(doc, ref):
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]]


def request_body(doc, op):
    return component(doc, op["requestBody"]["content"]["application/json"]["schema"]["$ref"])


def response_data(doc, op, status="200"):
    data = op["responses"][status]["content"]["application/json"]["schema"]["properties"]["data"]
    return component(doc, data["$ref"])


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
