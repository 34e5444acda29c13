"""The schema says what every operation accepts and answers, and stays so: `make fuzz` checks
the API against it, and reads from it which role may call what (`x-roles`)."""

import pytest
from django.core.management import call_command

from core.fields import MAX_ID
from core.testing_schema import component as schema_component
from core.testing_schema import request_body as schema_request_body
from core.testing_schema import served_schema
from core.tests.test_roles_table import documented_table

METHODS = ("get", "post", "put", "patch", "delete")


def operations():
    for path, item in served_schema()["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def component(ref: str) -> dict:
    return schema_component(served_schema(), ref)


def request_body(path: str, method: str) -> dict:
    return schema_request_body(served_schema(), served_schema()["paths"][path][method])


def test_the_schema_builds_without_warnings_and_validates(tmp_path):
    call_command(
        "spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml")
    )


def test_every_operation_needs_a_token():
    # Health and docs are not in the schema; everything in it is behind a token.
    assert all(op["security"] and {} not in op["security"] for _, _, op in operations())


def test_every_operation_documents_400_401_403_and_429():
    missing = {
        (method, path): sorted({"400", "401", "403", "429"} - set(op["responses"]))
        for path, method, op in operations()
    }
    assert {key: codes for key, codes in missing.items() if codes} == {}


def test_every_operation_with_a_path_parameter_documents_404():
    missing = [
        (method, path)
        for path, method, op in operations()
        if "{" in path and "404" not in op["responses"]
    ]
    assert missing == []


def test_every_operation_with_a_body_documents_413_and_415():
    missing = [
        (method, path)
        for path, method, op in operations()
        if "requestBody" in op and not {"413", "415"} <= set(op["responses"])
    ]
    assert missing == []


def test_every_answer_has_the_envelope():
    for path, method, op in operations():
        for status, response in op["responses"].items():
            schema = response["content"]["application/json"]["schema"]
            if status.startswith("2"):
                assert schema["required"] == ["code", "msg", "data"], (method, path, status)
            else:
                assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, (method, path)


def test_x_roles_are_the_roles_of_docs_roles_md():
    table = documented_table()
    for path, method, op in operations():
        if path.startswith("/api/projects"):
            continue
        assert set(op["x-roles"]) == table[(method.upper(), path.rstrip("/"))], (method, path)


def test_ids_in_paths_and_filters_are_integers_within_bigint():
    id_schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    seen = set()
    for _, _, op in operations():
        for parameter in op.get("parameters", []):
            if parameter["name"] in ("id", "task_id", "target_id", "project_id"):
                assert parameter["schema"] == id_schema, parameter
                seen.add(parameter["name"])
    assert seen == {"id", "task_id", "target_id", "project_id"}


def test_skip_and_limit_are_bounded():
    [skip, limit] = [
        next(
            p
            for p in served_schema()["paths"]["/api/tasks/"]["get"]["parameters"]
            if p["name"] == n
        )
        for n in ("skip", "limit")
    ]
    assert (skip["schema"]["minimum"], skip["schema"]["maximum"]) == (0, MAX_ID)
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 1000)


def test_writes_take_no_query_parameters():
    for path, method, op in operations():
        if method != "get":
            assert all(p["in"] != "query" for p in op.get("parameters", [])), (method, path)


@pytest.mark.parametrize(
    ("path", "method", "field", "min_items"),
    [
        ("/api/tasks/claim/", "post", "task_types", 1),
        ("/api/tasks/claim/", "post", "platforms", 1),
        ("/api/tasks/batch/", "post", "tasks", 1),
        ("/api/tasks/batch-update/", "patch", "commit_ids", 1),
        ("/api/worker-configs/tasks/{task_id}/assign/", "post", "config_ids", 1),
        ("/api/project-types/sort-order/", "post", "codes", 1),
    ],
)
def test_lists_that_may_not_be_empty_say_so(path, method, field, min_items):
    assert request_body(path, method)["properties"][field]["minItems"] == min_items


def test_patch_bodies_keep_their_required_fields():
    assert request_body("/api/tasks/update-by-commit-id/", "patch")["required"] == ["commit_id"]
    assert request_body("/api/tasks/batch-update/", "patch")["required"] == ["commit_ids"]


def test_the_claim_answers_a_task_a_list_of_them_or_null():
    data = served_schema()["paths"]["/api/tasks/claim/"]["post"]["responses"]["200"]
    ref = data["content"]["application/json"]["schema"]["properties"]["data"]["$ref"]
    task = {"$ref": "#/components/schemas/ClaimedTask"}
    assert component(ref) == {"oneOf": [task, {"type": "array", "items": task}], "nullable": True}
