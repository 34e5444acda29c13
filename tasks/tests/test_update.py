"""PATCH /api/tasks/{id} (2.6), update-by-commit-id (2.5), batch-update (2.4)."""

import pytest

from core.testing import error, ok
from tasks.models import Task
from tasks.services import project_recount_tasks
from tasks.testing import claim, patch, report


def test_contract_patch_example(api, create_task):
    task = create_task()
    # Verbatim, by a client, on a task no worker holds: the client started it (its lease).
    assert ok(patch(api, task["id"], status="processing"))["worker_id"] == "test-client"
    data = ok(patch(api, task["id"], status="completed", task_output={}, error_message="string"))
    assert data["status"] == "completed"
    assert data["task_output"] == {}
    assert data["error_message"] == "string"
    assert data["completed_at"] is not None
    # The lease ended; its worker's name stays, to tell who completed it.
    assert data["worker_id"] == "test-client"


def test_contract_update_by_commit_id_example(api, create_task):
    task = create_task(commit_id="commit_123")
    body = {
        "commit_id": "commit_123",
        "status": "completed",
        "task_output": {"video_url": "https://example.com/video.mp4"},
    }
    data = ok(api.patch("/api/tasks/update-by-commit-id", body, format="json"))
    assert data["id"] == task["id"]
    assert data["status"] == "completed"
    assert data["task_output"] == {"video_url": "https://example.com/video.mp4"}


def test_update_by_unknown_commit_id_is_a_404(api):
    body = {"commit_id": "nope", "status": "completed"}
    assert error(api.patch("/api/tasks/update-by-commit-id", body, format="json"), 404) == (
        "Task not found"
    )


def test_contract_batch_update_example(api, project, create_task):
    first = create_task(commit_id="commit_123")
    second = create_task(commit_id="commit_456")
    body = {
        "commit_ids": ["commit_123", "commit_456"],
        "status": "completed",
        "task_output": {"result": "success"},
        "error_message": None,
    }
    data = ok(api.patch("/api/tasks/batch-update", body, format="json"))
    assert [t["id"] for t in data] == [first["id"], second["id"]]
    assert all(t["status"] == "completed" for t in data)
    assert all(t["task_output"] == {"result": "success"} for t in data)
    project.refresh_from_db()
    assert (project.completed_tasks, project.status) == (2, "completed")


def test_batch_update_with_an_unknown_commit_id_changes_nothing(api, create_task):
    create_task(commit_id="known")
    body = {"commit_ids": ["known", "ghost-1", "ghost-2"], "status": "completed"}
    response = api.patch("/api/tasks/batch-update", body, format="json")
    assert error(response, 404) == "Tasks not found for commit_ids: ghost-1, ghost-2"
    assert response.json()["data"] == {"missing_commit_ids": ["ghost-1", "ghost-2"]}
    assert Task.objects.get(commit_id="known").status == "pending"


def test_batch_update_with_one_invalid_transition_changes_nothing(api, create_task):
    create_task(commit_id="a")
    create_task(commit_id="b", status="completed")
    body = {"commit_ids": ["a", "b"], "status": "waiting"}
    assert error(api.patch("/api/tasks/batch-update", body, format="json"), 400) == (
        "Invalid status transition from completed to waiting"
    )
    assert Task.objects.get(commit_id="a").status == "pending"


ALLOWED = {
    "waiting": {"pending", "failed"},
    "pending": {"processing", "completed", "failed", "waiting"},
    "processing": {"completed", "failed", "pending"},
    "failed": {"pending", "processing"},
    "completed": {"pending"},
}


@pytest.mark.parametrize("current", list(ALLOWED))
@pytest.mark.parametrize("target", list(ALLOWED))
def test_transitions_follow_the_table(api, project, create_task, current, target):
    task = create_task()
    Task.objects.filter(id=task["id"]).update(status=current)
    project_recount_tasks(project)
    response = patch(api, task["id"], status=target)
    if current == target or target in ALLOWED[current]:
        # waiting and pending are for the dependencies to decide; this task has none.
        expected = "pending" if target in ("waiting", "pending") else target
        assert ok(response)["status"] == expected
    else:
        assert error(response, 400) == f"Invalid status transition from {current} to {target}"
        assert Task.objects.get(id=task["id"]).status == current


def test_unknown_task_is_a_404(api):
    assert error(patch(api, 999999, status="completed"), 404) == "Task not found"
    assert error(api.get("/api/tasks/999999"), 404) == "Task not found"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"status": "done"},
            (
                'status: "done" is not a valid choice. '
                "Valid choices: waiting, pending, processing, completed, failed."
            ),
        ),
        ({"task_output": "x"}, "task_output: Must be a JSON object."),
        ({"dependencies": [None]}, "dependencies[0]: This field may not be null."),
        ({"priority": "high"}, "priority: A valid integer is required."),
    ],
)
def test_bad_patch_is_refused_and_changes_nothing(api, create_task, body, message):
    task = create_task()
    assert error(patch(api, task["id"], **body), 400) == message
    assert ok(api.get(f"/api/tasks/{task['id']}")) == task


def test_reporting_the_same_completion_twice_is_harmless(api, project, create_task):
    task = create_task()
    child = create_task(dependencies=[task["id"]])
    first = ok(patch(api, task["id"], status="completed", task_output={"a": 1}))
    second = ok(patch(api, task["id"], status="completed", task_output={"a": 1}))
    assert first["completed_at"] == second["completed_at"]
    project.refresh_from_db()
    assert (project.completed_tasks, project.total_tasks) == (1, 2)
    assert ok(api.get(f"/api/tasks/{child['id']}"))["status"] == "pending"


def test_reopening_a_completed_task_puts_its_dependents_back_to_waiting(api, project, create_task):
    task = create_task()
    child = create_task(dependencies=[task["id"]])
    ok(patch(api, task["id"], status="completed"))
    assert ok(patch(api, task["id"], status="pending"))["completed_at"] is None
    assert ok(api.get(f"/api/tasks/{child['id']}"))["status"] == "waiting"
    project.refresh_from_db()
    assert project.completed_tasks == 0


def test_a_failed_task_fails_the_project_and_a_retry_reopens_it(
    api, worker_api, project, create_task
):
    task = create_task()
    claimed = ok(claim(worker_api, "video_generation"))
    assert claimed["id"] == task["id"]
    ok(report(worker_api, claimed, status="failed", error_message="boom"))
    project.refresh_from_db()
    assert (project.status, project.failed_tasks) == ("failed", 1)
    ok(patch(api, task["id"], status="pending"))
    project.refresh_from_db()
    assert (project.status, project.failed_tasks) == ("pending", 0)


def test_commit_id_can_be_set_but_not_taken_twice(api, create_task):
    a, b = create_task(), create_task()
    assert ok(patch(api, a["id"], commit_id="job-1"))["commit_id"] == "job-1"
    assert error(patch(api, b["id"], commit_id="job-1"), 400) == (
        "commit_id: A task with this commit_id already exists."
    )
