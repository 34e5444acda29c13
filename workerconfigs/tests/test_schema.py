from core.testing_schema import data_schema, operation, request_body
from core.testing_schema import fetch_schema as schema


def test_schema_lists_every_worker_config_route(anon):
    paths = {path.rstrip("/") for path in schema(anon)["paths"]}
    assert {
        "/api/worker-configs",
        "/api/worker-configs/{id}",
        "/api/worker-configs/tasks/{task_id}/assign",
        "/api/worker-configs/tasks/{task_id}/configs",
    } <= paths


def test_schema_shows_request_and_response_bodies(anon):
    doc = schema(anon)
    paths = doc["paths"]
    create = operation(paths, "/api/worker-configs", "post")
    assert data_schema(create, "201")["$ref"].endswith("/WorkerConfig")
    assign = operation(paths, "/api/worker-configs/tasks/{task_id}/assign", "post")
    request = request_body(doc, assign)
    assert set(request["properties"]) == {"config_ids", "override_data"}
    assert data_schema(assign)["items"]["$ref"].endswith("/TaskConfig")
    assert {p["name"] for p in assign["parameters"]} == {"task_id"}
    configs = operation(paths, "/api/worker-configs/tasks/{task_id}/configs", "get")
    assert data_schema(configs)["$ref"].endswith("/TaskMergedConfigs")
    delete = operation(paths, "/api/worker-configs/{id}", "delete")
    assert "204" not in delete["responses"]
