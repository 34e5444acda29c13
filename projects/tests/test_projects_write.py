"""PUT /projects/{id} (1.4), DELETE (1.5), recalculate-tasks (1.6), regenerate (1.7)."""

import pytest

from assets.models import Asset
from core.testing import error, ok
from projects.models import Project
from tasks.models import Task


def test_contract_update_example(api, create_project):
    project = create_project(project_type="x")
    body = {
        "name": "string (可选)",
        "initial_parameters": {},
        "status": "processing",
        "score": 4.5,
        "score_details": {},
        "review_notes": "string",
    }
    data = ok(api.put(f"/projects/{project['id']}", body, format="json"))
    assert data["name"] == "string (可选)"
    assert data["status"] == "processing"
    assert data["score"] == 4.5
    assert data["score_details"] == {}
    assert data["review_notes"] == "string"


def test_update_with_an_inspiration_id(api, create_project):
    from inspirations.models import Inspiration

    inspiration = Inspiration.objects.create(title="idea")
    project = create_project(project_type="x")
    data = ok(
        api.put(f"/projects/{project['id']}", {"inspiration_id": inspiration.id}, format="json")
    )
    assert data["inspiration_id"] == inspiration.id


def test_update_changes_only_what_is_sent(api, create_project):
    project = create_project(project_type="x", initial_parameters={"a": 1})
    data = ok(api.put(f"/projects/{project['id']}", {"review_notes": "ok"}, format="json"))
    assert data["name"] == project["name"]
    assert data["initial_parameters"] == {"a": 1}


ALLOWED = [
    ("pending", "processing"),
    ("pending", "failed"),
    ("processing", "completed"),
    ("processing", "failed"),
    ("completed", "processing"),
    ("failed", "pending"),
    ("failed", "processing"),
]
STATUSES = ["pending", "processing", "completed", "failed"]


@pytest.mark.parametrize(("current", "target"), [(a, b) for a in STATUSES for b in STATUSES])
def test_status_transitions_follow_the_contract(api, create_project, current, target):
    project = create_project(project_type="x")
    Project.objects.filter(id=project["id"]).update(status=current)
    response = api.put(f"/projects/{project['id']}", {"status": target}, format="json")
    if current == target or (current, target) in ALLOWED:
        assert ok(response)["status"] == target
    else:
        message = error(response, 400)
        assert message == f"Invalid status transition from {current} to {target}"
        assert Project.objects.get(id=project["id"]).status == current


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"status": "done"},
            (
                'status: "done" is not a valid choice. '
                "Valid choices: pending, processing, completed, failed."
            ),
        ),
        ({"score": "high"}, "score: A valid number is required."),
        ({"initial_parameters": []}, "initial_parameters: Must be a JSON object."),
        ({"score_details": 3}, "score_details: Must be a JSON object."),
        ({"inspiration_id": 999999}, "inspiration_id: Inspiration 999999 not found."),
        ({"inspiration_id": "1"}, "inspiration_id: Must be an integer id, not str."),
        ({"output_asset_id": 999999}, "output_asset_id: Asset 999999 not found."),
    ],
)
def test_bad_update_is_refused_and_changes_nothing(api, create_project, body, message):
    project = create_project(project_type="x")
    assert error(api.put(f"/projects/{project['id']}", body, format="json"), 400) == message
    assert ok(api.get(f"/projects/{project['id']}")) == project


def test_output_asset_must_be_live(api, create_project):
    asset = Asset.objects.create(name="v", asset_type="video")
    project = create_project(project_type="x")
    path = f"/projects/{project['id']}"
    assert (
        ok(api.put(path, {"output_asset_id": asset.id}, format="json"))["output_asset_id"]
        == asset.id
    )
    ok(api.delete(f"/api/assets/{asset.id}"))
    assert error(api.put(path, {"output_asset_id": asset.id}, format="json"), 400) == (
        f"output_asset_id: Asset {asset.id} not found."
    )


def test_update_of_unknown_project_is_a_404(api):
    assert (
        error(api.put("/projects/424242", {"name": "x"}, format="json"), 404) == "Project not found"
    )


def test_contract_delete_example_soft_deletes_the_project_and_its_tasks(
    api, create_project, demo_types
):
    project = create_project()
    data = ok(api.delete(f"/projects/{project['id']}"))
    assert data == {"message": "Project deleted successfully"}
    row = Project.all_objects.get(id=project["id"])
    assert row.deleted_at is not None
    assert Task.all_objects.filter(project_id=project["id"]).count() == 6
    assert not Task.all_objects.filter(project_id=project["id"], deleted_at__isnull=True).exists()
    assert ok(api.get(f"/api/tasks?project_id={project['id']}")) == []
    assert error(api.delete(f"/projects/{project['id']}"), 404) == "Project not found"


def test_tasks_of_a_deleted_project_are_never_claimed(api, worker_api, create_project, demo_types):
    project = create_project()
    ok(api.delete(f"/projects/{project['id']}"))
    response = worker_api.post(
        "/api/tasks/claim", {"task_types": ["script_generation"]}, format="json"
    )
    assert response.json() == {
        "code": 1,
        "msg": "No pending tasks available for the given types.",
        "data": None,
    }


def test_recalculate_tasks_repairs_the_counters(api, create_project, demo_types):
    project = create_project()
    Project.objects.filter(id=project["id"]).update(
        total_tasks=99, completed_tasks=7, failed_tasks=3
    )
    data = ok(api.post(f"/projects/{project['id']}/recalculate-tasks"))
    assert (data["total_tasks"], data["completed_tasks"], data["failed_tasks"]) == (6, 0, 0)
    assert len(data["tasks"]) == 6


@pytest.mark.parametrize("status", ["completed", "failed"])
def test_recalculate_tasks_keeps_the_status_of_a_project_without_tasks(api, create_project, status):
    project = create_project(project_type="none")
    Project.objects.filter(id=project["id"]).update(status=status)
    assert ok(api.post(f"/projects/{project['id']}/recalculate-tasks"))["status"] == status


def test_recalculate_tasks_of_unknown_project_is_a_404(api):
    assert error(api.post("/projects/5555/recalculate-tasks"), 404) == "Project not found"


def test_contract_regenerate_example(api, worker_api, create_project, demo_types):
    project = create_project(initial_parameters={"language": "zh"})
    script = next(t for t in project["tasks"] if t["task_type"] == "script_generation")
    claimed = ok(
        worker_api.post("/api/tasks/claim", {"task_types": ["script_generation"]}, format="json")
    )
    assert claimed["id"] == script["id"]
    ok(
        worker_api.patch(
            f"/api/tasks/{script['id']}",
            {"status": "completed", "task_output": {"t": 1}, "lease_token": claimed["lease_token"]},
            format="json",
        )
    )

    data = ok(api.post(f"/projects/{project['id']}/regenerate", {"key": "value"}, format="json"))
    assert data["message"] == "Project regeneration workflow triggered"
    assert data["project_id"] == project["id"]
    assert "execution_id" in data

    detail = ok(api.get(f"/projects/{project['id']}"))
    assert detail["status"] == "processing"
    assert detail["initial_parameters"]["key"] == "value"
    assert detail["initial_parameters"]["language"] == "zh"
    assert detail["completed_tasks"] == 0
    statuses = {t["task_type"]: t["status"] for t in detail["tasks"]}
    assert statuses["script_generation"] == "pending"
    assert statuses["image_generation"] == "waiting"
    script_after = next(t for t in detail["tasks"] if t["id"] == script["id"])
    assert script_after["task_output"] is None
    assert script_after["attempts"] == 0


def test_regenerate_without_a_body(api, create_project):
    project = create_project(project_type="x")
    assert ok(api.post(f"/projects/{project['id']}/regenerate"))["project_id"] == project["id"]


def test_regenerate_with_a_list_body_is_refused(api, create_project):
    project = create_project(project_type="x")
    response = api.post(f"/projects/{project['id']}/regenerate", [1], format="json")
    assert error(response, 400) == "Must be a JSON object."
    assert ok(api.get(f"/projects/{project['id']}"))["status"] == "pending"
