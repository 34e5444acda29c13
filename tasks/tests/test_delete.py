"""DELETE /api/tasks/{id}: a soft delete; refused while live tasks depend on the task; the
project's counters and status follow; the worker holding it finds it gone."""

import pytest

from core.testing import error, ok
from projects.services import project_restore
from tasks.models import Task
from tasks.services import task_delete
from tasks.testing import claim, patch, report

DELETED = {"message": "Task deleted successfully"}


def delete(client, task):
    return client.delete(f"/api/tasks/{task['id']}")


def counters(project) -> tuple[int, int, int, str]:
    project.refresh_from_db()
    return project.total_tasks, project.completed_tasks, project.failed_tasks, project.status


def test_delete_soft_deletes_the_task(api, project, create_task):
    kept, gone = create_task(), create_task()
    assert ok(delete(api, gone)) == DELETED
    assert Task.all_objects.get(id=gone["id"]).deleted_at is not None
    assert error(api.get(f"/api/tasks/{gone['id']}"), 404) == "Task not found"
    response = api.get(f"/api/tasks?project_id={project.id}")
    assert [t["id"] for t in ok(response)] == [kept["id"]]
    assert response["X-Total-Count"] == "1"


def test_delete_answers_with_and_without_a_trailing_slash(api, create_task):
    a, b = create_task(), create_task()
    assert ok(api.delete(f"/api/tasks/{a['id']}")) == DELETED
    assert ok(api.delete(f"/api/tasks/{b['id']}/")) == DELETED


def test_an_operator_may_delete_a_task(operator_api, create_task):
    assert ok(delete(operator_api, create_task())) == DELETED


def test_a_worker_may_not_delete_a_task(worker_api, create_task):
    task = create_task()
    assert error(delete(worker_api, task), 403)
    assert Task.objects.filter(id=task["id"]).exists()


@pytest.mark.parametrize("task_id", ["424242", "0", "99999999999999999999999"])
def test_deleting_an_unknown_task_is_a_404(api, task_id):
    assert error(api.delete(f"/api/tasks/{task_id}"), 404) == "Task not found"


def test_deleting_a_task_twice_is_a_404(api, create_task):
    task = create_task()
    ok(delete(api, task))
    assert error(delete(api, task), 404) == "Task not found"


def test_a_task_of_a_deleted_project_is_already_gone(api, project, create_task):
    task = create_task()
    ok(api.delete(f"/projects/{project.id}"))
    assert error(delete(api, task), 404) == "Task not found"


def test_a_task_with_live_dependents_is_not_deleted(api, create_task):
    root = create_task()
    first = create_task(dependencies=[root["id"]])
    second = create_task(dependencies=[root["id"]])
    response = delete(api, root)
    assert error(response, 409) == (
        f"Task {root['id']} cannot be deleted: tasks depend on it ({first['id']}, "
        f"{second['id']}). Delete them first, or remove it from their dependencies; nothing "
        "was deleted."
    )
    assert response.json()["data"] == {"dependent_task_ids": [first["id"], second["id"]]}
    assert Task.objects.filter(id=root["id"]).exists()


def test_the_refusal_names_ten_dependents_and_counts_the_others(api, create_task):
    root = create_task()
    entry = {"project_id": root["project_id"], "task_type": "t", "dependencies": [root["id"]]}
    batch = ok(api.post("/api/tasks/batch", {"tasks": [entry] * 12}, format="json"), 201)
    ids = [t["id"] for t in batch]
    response = delete(api, root)
    shown = ", ".join(map(str, ids[:10]))
    assert f"tasks depend on it ({shown} and 2 more)" in error(response, 409)
    assert response.json()["data"]["dependent_task_ids"] == ids


def test_a_graph_is_deleted_from_its_leaves(api, create_task):
    root = create_task()
    middle = create_task(dependencies=[root["id"]])
    leaf = create_task(dependencies=[middle["id"]])
    for task in (leaf, middle, root):
        assert ok(delete(api, task)) == DELETED


def test_removing_the_dependency_lets_the_task_be_deleted(api, create_task):
    root, other = create_task(), create_task()
    dependent = create_task(dependencies=[root["id"], other["id"]])
    error(delete(api, root), 409)
    assert ok(patch(api, dependent["id"], dependencies=[other["id"]]))["status"] == "waiting"
    assert ok(delete(api, root)) == DELETED


def test_a_deleted_task_cannot_become_a_dependency(api, project, create_task):
    gone, live = create_task(), create_task()
    ok(delete(api, gone))
    body = {"project_id": project.id, "task_type": "t", "dependencies": [gone["id"]]}
    assert error(api.post("/api/tasks", body, format="json"), 400) == (
        f"dependencies: Task {gone['id']} not found."
    )
    assert error(patch(api, live["id"], dependencies=[gone["id"]]), 400) == (
        f"dependencies: Task {gone['id']} not found."
    )


def test_deleting_frees_the_commit_id(api, create_task):
    task = create_task(commit_id="job-7")
    ok(delete(api, task))
    assert create_task(commit_id="job-7")["commit_id"] == "job-7"


def test_deleting_moves_the_project_counters(api, project, create_task):
    pending = create_task()
    completed = create_task(status="completed")
    failed = create_task(status="failed")
    create_task(status="completed")
    assert counters(project) == (4, 2, 1, "failed")
    ok(delete(api, completed))
    assert counters(project)[:3] == (3, 1, 1)
    ok(delete(api, pending))
    assert counters(project)[:3] == (2, 1, 1)
    ok(delete(api, failed))
    assert counters(project) == (1, 1, 0, "completed")


def test_deleting_the_failed_task_reopens_the_project(api, project, create_task):
    create_task(status="completed")
    failed = create_task(status="failed")
    create_task()
    assert counters(project)[3] == "failed"
    ok(delete(api, failed))
    assert counters(project) == (2, 1, 0, "processing")


def test_deleting_the_last_open_task_completes_the_project(api, project, create_task):
    create_task(status="completed")
    open_task = create_task()
    ok(delete(api, open_task))
    assert counters(project) == (1, 1, 0, "completed")


def test_deleting_the_only_task_keeps_the_project_status(api, project, create_task):
    task = create_task(status="completed")
    assert counters(project) == (1, 1, 0, "completed")
    ok(delete(api, task))
    assert counters(project) == (0, 0, 0, "completed")


def test_a_deleted_task_is_never_claimed(api, worker_api, create_task):
    task = create_task()
    ok(delete(api, task))
    assert claim(worker_api, "video_generation").json() == {
        "code": 1,
        "msg": "No pending tasks available for the given types.",
        "data": None,
    }


def test_the_lease_holder_of_a_deleted_task_finds_it_gone(api, worker_api, create_task):
    create_task(commit_id="job-1")
    claimed = ok(claim(worker_api, "video_generation"))
    ok(delete(api, claimed))
    lease = {"lease_token": claimed["lease_token"]}
    url = f"/api/tasks/{claimed['id']}"
    assert error(worker_api.post(f"{url}/heartbeat", lease, format="json"), 404) == (
        "Task not found"
    )
    assert error(worker_api.post(f"{url}/release", lease, format="json"), 404) == ("Task not found")
    assert error(report(worker_api, claimed, status="completed"), 404) == "Task not found"
    by_commit = {"commit_id": "job-1", "status": "completed", **lease}
    response = worker_api.patch("/api/tasks/update-by-commit-id", by_commit, format="json")
    assert error(response, 404) == "Task not found"
    batch = {"task_ids": [claimed["id"]], "status": "completed", **lease}
    response = worker_api.patch("/api/tasks/batch-update", batch, format="json")
    assert error(response, 404) == f"Tasks not found: {claimed['id']}"
    assert Task.all_objects.get(id=claimed["id"]).status == "processing"


def test_task_delete_of_a_claimed_task_completes_a_project_whose_other_tasks_are_done(
    project, worker_api, create_task
):
    create_task(status="completed")
    create_task()
    claimed = ok(claim(worker_api, "video_generation"))
    assert counters(project) == (2, 1, 0, "processing")
    task_delete(task_id=claimed["id"])
    assert counters(project) == (1, 1, 0, "completed")


def test_restoring_the_project_brings_back_only_the_tasks_deleted_with_it(
    api, project, create_task
):
    alone, kept = create_task(), create_task()
    ok(delete(api, alone))
    ok(api.delete(f"/projects/{project.id}"))
    project_restore(project=project)
    assert [t["id"] for t in ok(api.get(f"/api/tasks?project_id={project.id}"))] == [kept["id"]]
    assert counters(project)[:3] == (1, 0, 0)
