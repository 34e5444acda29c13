"""POST /api/tasks (contract 2.1)."""

import pytest

from accounts.models import PlatformAccount
from core.testing import error, ok
from projects.models import Project
from tasks.models import Task

CONTRACT_KEYS = {
    "id",
    "project_id",
    "task_type",
    "status",
    "dependencies",
    "task_output",
    "platform_account_id",
    "commit_id",
    "error_message",
    "started_at",
    "completed_at",
    "created_at",
    "updated_at",
}


def test_contract_example(api, project, create_task):
    account = PlatformAccount.objects.create(platform="dreamina", name="a1")
    first, second = create_task(), create_task()
    body = {
        "project_id": project.id,
        "task_type": "string",
        "status": "waiting",
        "dependencies": [first["id"], second["id"]],
        "task_output": {},
        "platform_account_id": account.id,
        "commit_id": "string",
        "error_message": "string",
    }
    data = ok(api.post("/api/tasks", body, format="json"), 201)
    assert set(data) >= CONTRACT_KEYS
    assert data["project_id"] == project.id
    assert data["task_type"] == "string"
    assert data["status"] == "waiting"
    assert data["dependencies"] == [first["id"], second["id"]]
    assert data["task_output"] == {}
    assert data["platform_account_id"] == account.id
    assert data["commit_id"] == "string"
    assert data["error_message"] == "string"
    assert data["started_at"] is None and data["completed_at"] is None


def test_status_is_derived_when_absent(create_task):
    root = create_task()
    assert root["status"] == "pending"
    assert create_task(dependencies=[root["id"]])["status"] == "waiting"


def test_waiting_without_dependencies_is_ready_at_once(create_task):
    # The invariant: a waiting task never has all its dependencies completed.
    assert create_task(status="waiting")["status"] == "pending"


def test_pending_with_unfinished_dependencies_waits(create_task):
    root = create_task()
    assert create_task(status="pending", dependencies=[root["id"]])["status"] == "waiting"


def test_a_completed_task_can_be_recorded(create_task):
    done = create_task(status="completed", task_output={"url": "u"})
    assert done["completed_at"] is not None
    assert create_task(dependencies=[done["id"]])["status"] == "pending"


def test_counters_follow_creation(project, create_task):
    create_task()
    create_task(status="completed")
    create_task(status="failed")
    project.refresh_from_db()
    assert (project.total_tasks, project.completed_tasks, project.failed_tasks) == (3, 1, 1)
    assert project.status == "failed"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"task_type": None}, "task_type: This field may not be null."),
        ({"project_id": "1"}, "project_id: A valid integer is required."),
        ({"project_id": 0}, "project_id: Ensure this value is greater than or equal to 1."),
        (
            {"status": "queued"},
            (
                'status: "queued" is not a valid choice. '
                "Valid choices: waiting, pending, processing, completed, failed."
            ),
        ),
        ({"dependencies": "1"}, 'dependencies: Expected a list of items but got type "str".'),
        ({"dependencies": ["a"]}, "dependencies[0]: A valid integer is required."),
        ({"task_output": [1]}, "task_output: Must be a JSON object."),
        ({"task_input": "x"}, "task_input: Must be a JSON object."),
        ({"platform_account_id": True}, "platform_account_id: A valid integer is required."),
        ({"max_attempts": 0}, "max_attempts: Ensure this value is greater than or equal to 1."),
        ({"dependencies": [987654]}, "dependencies: Task 987654 not found."),
        (
            {"platform_account_id": 987654},
            "platform_account_id: Platform account 987654 not found.",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(api, project, fields, message):
    body = {"project_id": project.id, "task_type": "t", **fields}
    assert error(api.post("/api/tasks", body, format="json"), 400) == message
    assert not Task.all_objects.exists()
    project.refresh_from_db()
    assert project.total_tasks == 0


def test_unknown_project_is_refused(api):
    body = {"project_id": 424242, "task_type": "t"}
    assert error(api.post("/api/tasks", body, format="json"), 400) == (
        "project_id: Project 424242 not found."
    )


def test_a_dependency_in_another_project_is_refused(api, project, create_task):
    other = Project.objects.create(name="o", project_type="x")
    foreign = ok(
        api.post("/api/tasks", {"project_id": other.id, "task_type": "t"}, format="json"), 201
    )
    body = {"project_id": project.id, "task_type": "t", "dependencies": [foreign["id"]]}
    assert error(api.post("/api/tasks", body, format="json"), 400) == (
        f"dependencies: Task {foreign['id']} belongs to another project."
    )


def test_a_deleted_account_is_refused(api, project):
    account = PlatformAccount.objects.create(platform="runway", name="gone")
    ok(api.delete(f"/api/platform-accounts/{account.id}"))
    body = {"project_id": project.id, "task_type": "t", "platform_account_id": account.id}
    assert error(api.post("/api/tasks", body, format="json"), 400) == (
        f"platform_account_id: Platform account {account.id} not found."
    )


def test_commit_id_is_unique(api, project, create_task):
    create_task(commit_id="c1")
    body = {"project_id": project.id, "task_type": "t", "commit_id": "c1"}
    assert error(api.post("/api/tasks", body, format="json"), 400) == (
        "commit_id: A task with this commit_id already exists."
    )
