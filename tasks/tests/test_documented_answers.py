"""Answers `make fuzz` found undocumented or wrong once, kept as tests through the HTTP API:
each is a status the schema documents, with the body it documents."""

from core.testing import error, ok
from core.testing_schema import assert_documented
from tasks.testing import claim


def test_nothing_to_claim_is_the_documented_code_1_with_data_null(worker_api, db):
    response = claim(worker_api, "video_generation")
    assert response.status_code == 200
    assert response.json() == {
        "code": 1,
        "msg": "No pending tasks available for the given types.",
        "data": None,
    }
    assert_documented(response, "post", "/api/tasks/claim/")


def test_a_claimed_task_matches_the_schema(worker_api, create_task):
    create_task(task_input={"prompt": "x"})
    response = claim(worker_api, "video_generation")
    assert ok(response)["status"] == "processing"
    assert_documented(response, "post", "/api/tasks/claim/")


def test_a_claim_of_several_tasks_matches_the_schema(worker_api, create_task):
    create_task()
    create_task()
    response = claim(worker_api, "video_generation", max_tasks=5)
    assert len(ok(response)) == 2
    assert_documented(response, "post", "/api/tasks/claim/")


def test_unknown_commit_ids_in_a_batch_update_are_a_documented_404(api, db):
    body = {"commit_ids": ["nope"], "status": "completed"}
    response = api.patch("/api/tasks/batch-update", body, format="json")
    assert error(response, 404) == "Tasks not found for commit_ids: nope"
    assert_documented(response, "patch", "/api/tasks/batch-update/")


def test_an_unknown_commit_id_is_a_documented_404(api, db):
    body = {"commit_id": "nope", "status": "completed"}
    response = api.patch("/api/tasks/update-by-commit-id", body, format="json")
    assert error(response, 404)
    assert_documented(response, "patch", "/api/tasks/update-by-commit-id/")


def test_a_task_listed_matches_the_schema(api, create_task):
    create_task()
    response = api.get("/api/tasks", {"skip": 0, "limit": 10})
    assert len(ok(response)) == 1
    assert_documented(response, "get", "/api/tasks/")


def test_task_types_and_stats_match_the_schema(api, create_task):
    create_task()
    for name in ("types", "stats"):
        response = api.get(f"/api/tasks/{name}")
        assert len(ok(response)) == 1
        assert_documented(response, "get", f"/api/tasks/{name}/")
