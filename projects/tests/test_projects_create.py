"""POST /projects (contract 1.1): create a project and, for a known type, its task graph."""

import pytest
from django.db import connection

from core.testing import error, ok
from projects.models import Project
from tasks.models import Task, TaskDependency

CONTRACT_RESPONSE_KEYS = {
    "id",
    "name",
    "project_type",
    "status",
    "initial_parameters",
    "inspiration_id",
    "score",
    "score_details",
    "review_notes",
    "used_transform_workflow_id",
    "used_execution_workflow_id",
    "total_tasks",
    "completed_tasks",
    "failed_tasks",
    "output_asset_id",
    "created_at",
    "updated_at",
    "tasks",
}


def test_contract_example_of_an_unknown_type_creates_a_project_without_tasks(api):
    body = {"name": "测试项目", "project_type": "string", "initial_parameters": {"key": "value"}}
    data = ok(api.post("/projects", body, format="json"), 201)
    assert set(data) >= CONTRACT_RESPONSE_KEYS
    assert data["name"] == "测试项目"
    assert data["project_type"] == "string"
    assert data["status"] == "pending"
    assert data["initial_parameters"] == {"key": "value"}
    for empty in (
        "inspiration_id",
        "score",
        "score_details",
        "review_notes",
        "used_transform_workflow_id",
        "used_execution_workflow_id",
        "output_asset_id",
    ):
        assert data[empty] is None
    assert (data["total_tasks"], data["completed_tasks"], data["failed_tasks"]) == (0, 0, 0)
    assert data["tasks"] == []
    assert data["created_at"].endswith("Z")


def test_known_type_creates_the_whole_graph(api, demo_types):
    body = {"name": "测试项目", "project_type": "video_generation"}
    data = ok(api.post("/projects", body, format="json"), 201)
    assert data["total_tasks"] == 6
    by_type = {task["task_type"]: task for task in data["tasks"]}
    assert {t: by_type[t]["status"] for t in by_type} == {
        "script_generation": "pending",
        "image_generation": "waiting",
        "audio_generation": "waiting",
        "video_generation": "waiting",
        "video_compose": "waiting",
        "publish": "waiting",
    }
    ids = {t: by_type[t]["id"] for t in by_type}
    assert by_type["image_generation"]["dependencies"] == [ids["script_generation"]]
    assert sorted(by_type["video_compose"]["dependencies"]) == sorted(
        [ids["video_generation"], ids["audio_generation"]]
    )
    assert by_type["video_generation"]["platform"] == "dreamina"
    assert TaskDependency.objects.filter(task__project_id=data["id"]).count() == 6


def test_type_defaults_fill_missing_parameters(api, demo_types):
    body = {
        "name": "p",
        "project_type": "video_generation",
        "initial_parameters": {"language": "en"},
    }
    data = ok(api.post("/projects", body, format="json"), 201)
    assert data["initial_parameters"] == {
        "duration_seconds": 30,
        "aspect_ratio": "9:16",
        "language": "en",
    }


def test_an_inactive_type_creates_no_tasks(api, demo_types):
    demo_types["video_generation"].is_active = False
    demo_types["video_generation"].save()
    data = ok(
        api.post("/projects", {"name": "p", "project_type": "video_generation"}, format="json"), 201
    )
    assert data["tasks"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"project_type": "x"}, "name: This field is required."),
        ({"name": "x"}, "project_type: This field is required."),
        ({"name": "", "project_type": "x"}, "name: This field may not be blank."),
        ({"name": 5, "project_type": ["x"]}, "project_type: Not a valid string."),
        (
            {"name": "x", "project_type": "x", "initial_parameters": [1]},
            "initial_parameters: Must be a JSON object.",
        ),
        (
            {"name": "x", "project_type": "x", "initial_parameters": "a"},
            "initial_parameters: Must be a JSON object.",
        ),
        (
            {"name": "x" * 256, "project_type": "x"},
            "name: Ensure this field has no more than 255 characters.",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(api, demo_types, body, message):
    assert error(api.post("/projects", body, format="json"), 400) == message
    assert not Project.all_objects.exists()
    assert not Task.all_objects.exists()


def test_null_initial_parameters_mean_none(api):
    data = ok(
        api.post(
            "/projects",
            {"name": "x", "project_type": "x", "initial_parameters": None},
            format="json",
        ),
        201,
    )
    assert data["initial_parameters"] == {}


def test_creation_from_a_template_runs_a_constant_number_of_queries(
    api, demo_types, django_assert_num_queries
):
    body = {"name": "p", "project_type": "image_post"}  # 2 tasks
    # token (2: knox's token with its user, the client's role), type,
    # project insert, the graph (checks, inserts, counters, status), the answer (project,
    # tasks, edges), and savepoints: however many tasks the template has. The audit trail
    # adds two INSERTs (19 before it): the project's entry, and its tasks' in one.
    # On PostgreSQL the project's counters and status move in one statement (issue 12): 20.
    with django_assert_num_queries(20 if connection.vendor == "postgresql" else 21) as small:
        ok(api.post("/projects", body, format="json"), 201)
    count = len(small)
    body = {"name": "p", "project_type": "video_generation"}  # 6 tasks
    with django_assert_num_queries(count):
        assert len(ok(api.post("/projects", body, format="json"), 201)["tasks"]) == 6
