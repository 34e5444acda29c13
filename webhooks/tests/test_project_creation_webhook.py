import pytest

from accounts.services import account_create
from core.testing import error, ok
from inspirations import services as inspiration_services
from inspirations.models import Inspiration
from projects.models import Project
from projects.services import project_create, project_delete
from tasks.models import Task
from webhooks.models import WebhookEvent
from webhooks.testing import written


def example(account_id):
    """Contract section 7.2's request example; its platform_account_id is a real account's."""
    return {
        "status": "success",
        "project": {
            "name": "项目名称",
            "project_type": "video_generation",
            "initial_parameters": {},
        },
        "tasks": [
            {
                "task_type": "video_generation",
                "status": "waiting",
                "dependencies": [],
                "task_output": {},
                "platform_account_id": account_id,
                "commit_id": "task_commit_123",
            }
        ],
        "executionId": "n8n_exec_456",
    }


def url(inspiration_id):
    return f"/api/webhooks/n8n/project_creation/{inspiration_id}"


@pytest.fixture
def account(db):
    return account_create(platform="dreamina", name="main")


def graph(key_deps):
    return [
        {"key": key, "task_type": f"{key}_generation", "dependencies": deps}
        for key, deps in key_deps
    ]


def test_contract_example_creates_the_project_and_its_tasks(
    n8n_api, demo_types, approved_inspiration, account
):
    data = ok(n8n_api.post(url(approved_inspiration.id), example(account.id), format="json"))
    project = Project.objects.get()
    assert data == {
        "message": "Project created successfully",
        "project_id": project.id,
        "tasks_created": 1,
    }
    assert project.name == "项目名称"
    assert project.inspiration_id == approved_inspiration.id
    assert project.used_transform_workflow_id == "n8n_exec_456"
    task = Task.objects.get()
    # No dependency: the "waiting" of the payload is for the graph to decide.
    assert (task.project_id, task.status, task.commit_id) == (
        project.id,
        "pending",
        "task_commit_123",
    )
    assert task.platform_account_id == account.id
    assert WebhookEvent.objects.get().result == data


def test_dependencies_by_key(n8n_api, demo_types, approved_inspiration):
    body = {
        **example(None),
        "tasks": graph([("script", []), ("voice", ["script"]), ("video", ["script", "voice"])]),
    }
    data = ok(n8n_api.post(url(approved_inspiration.id), body, format="json"))
    assert data["tasks_created"] == 3
    tasks = {t.task_type: t for t in Task.objects.all()}
    assert tasks["script_generation"].status == "pending"
    assert tasks["voice_generation"].dependency_ids == [tasks["script_generation"].id]
    assert sorted(tasks["video_generation"].dependency_ids) == sorted(
        [tasks["script_generation"].id, tasks["voice_generation"].id]
    )
    assert tasks["video_generation"].status == "waiting"


def test_dependencies_by_index(n8n_api, demo_types, approved_inspiration):
    body = {
        **example(None),
        "tasks": [
            {"task_type": "script"},
            {"task_type": "video", "dependencies": [0]},
        ],
    }
    ok(n8n_api.post(url(approved_inspiration.id), body, format="json"))
    script, video = Task.objects.order_by("id")
    assert video.dependency_ids == [script.id]


def test_without_tasks_the_type_template_applies(n8n_api, demo_types, approved_inspiration):
    body = {**example(None), "tasks": []}
    data = ok(n8n_api.post(url(approved_inspiration.id), body, format="json"))
    assert data["tasks_created"] == len(demo_types["video_generation"].task_template) == 6


def test_delivered_three_times_one_project_one_set_of_tasks(
    n8n_api, demo_types, approved_inspiration
):
    body = {
        **example(None),
        "tasks": graph([("script", []), ("voice", ["script"]), ("video", ["voice"])]),
    }
    responses = [n8n_api.post(url(approved_inspiration.id), body, format="json") for _ in range(3)]
    bodies = [r.json() for r in responses]
    assert all(r.status_code == 200 for r in responses)
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["data"]["tasks_created"] == 3
    assert Project.objects.count() == 1
    assert Task.objects.count() == 3
    assert WebhookEvent.objects.count() == 1


def test_a_cycle_is_400_and_writes_nothing(n8n_api, demo_types, approved_inspiration):
    body = {
        **example(None),
        "tasks": graph([("a", ["c"]), ("b", ["a"]), ("c", ["b"])]),
    }
    message = error(n8n_api.post(url(approved_inspiration.id), body, format="json"), 400)
    assert "Dependency cycle" in message
    assert written() == (0, 0, 0)


def test_an_unknown_key_is_400_and_writes_nothing(n8n_api, demo_types, approved_inspiration):
    body = {**example(None), "tasks": graph([("a", ["nope"])])}
    message = error(n8n_api.post(url(approved_inspiration.id), body, format="json"), 400)
    assert message == "tasks[0].dependencies: No task with key 'nope' in this request."
    assert written() == (0, 0, 0)


def test_an_index_out_of_range_is_400(n8n_api, demo_types, approved_inspiration):
    body = {**example(None), "tasks": [{"task_type": "a", "dependencies": [3]}]}
    message = error(n8n_api.post(url(approved_inspiration.id), body, format="json"), 400)
    assert message.startswith("tasks[0].dependencies: 3 is not the index")
    assert written() == (0, 0, 0)


def test_an_unknown_account_is_400_and_writes_nothing(n8n_api, demo_types, approved_inspiration):
    message = error(n8n_api.post(url(approved_inspiration.id), example(4242), format="json"), 400)
    assert message == "tasks[0].platform_account_id: Platform account 4242 not found."
    assert written() == (0, 0, 0)


def test_an_unregistered_project_type_is_accepted_as_post_projects_accepts_it(
    n8n_api, demo_types, approved_inspiration
):
    body = {**example(None), "project": {"name": "x", "project_type": "no_such_type"}}
    data = ok(n8n_api.post(url(approved_inspiration.id), body, format="json"))
    project = Project.objects.get(id=data["project_id"])
    assert (project.project_type, project.total_tasks) == ("no_such_type", 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tasks": "script"}, 'tasks: Expected a list of items but got type "str".'),
        (
            {"project": {"name": "x", "project_type": ["video"]}},
            "project.project_type: Not a valid string.",
        ),
        ({"tasks": [{"task_type": "a", "dependencies": [1.5]}]}, "tasks[0].dependencies[0]: "),
        ({"status": "success", "project": None}, "project: This field may not be null."),
    ],
)
def test_wrong_json_types_are_400_and_write_nothing(
    n8n_api, demo_types, approved_inspiration, change, message
):
    body = {**example(None), **change}
    assert message in error(n8n_api.post(url(approved_inspiration.id), body, format="json"), 400)
    assert written() == (0, 0, 0)


def test_a_project_is_required_on_success(n8n_api, approved_inspiration):
    body = {"status": "success", "executionId": "x"}
    message = error(n8n_api.post(url(approved_inspiration.id), body, format="json"), 400)
    assert message == "project: This field is required."


def test_initial_parameters_violating_the_schema_are_400(n8n_api, demo_types, approved_inspiration):
    demo_types["video_generation"].parameter_schema = {
        "type": "object",
        "properties": {"aspect_ratio": {"enum": ["9:16"]}},
    }
    demo_types["video_generation"].save()
    body = {**example(None), "tasks": []}
    body["project"] = {**body["project"], "initial_parameters": {"aspect_ratio": "4:3"}}
    message = error(n8n_api.post(url(approved_inspiration.id), body, format="json"), 400)
    assert message == "initial_parameters.aspect_ratio: '4:3' is not one of ['9:16']"
    assert written() == (0, 0, 0)


def test_failed_records_the_error_on_the_inspiration(n8n_api, approved_inspiration):
    body = {"status": "failed", "error": "transform timed out", "executionId": "x1"}
    data = ok(n8n_api.post(url(approved_inspiration.id), body, format="json"))
    assert data == {
        "message": "Project creation failure recorded",
        "inspiration_id": approved_inspiration.id,
        "project_id": None,
        "tasks_created": 0,
    }
    approved_inspiration.refresh_from_db()
    # Approved is final; the error is kept beside it.
    assert approved_inspiration.status == "approved"
    assert approved_inspiration.error_message == "transform timed out"
    assert not Project.objects.exists()


def test_unknown_inspiration_is_404(n8n_api):
    assert (
        error(n8n_api.post(url(77), example(None), format="json"), 404) == "Inspiration not found"
    )


@pytest.mark.parametrize("status", ["draft", "generating", "rejected", "failed"])
@pytest.mark.parametrize("outcome", ["success", "failed"])
def test_an_inspiration_not_approved_is_400_and_nothing_is_created(
    n8n_api, demo_types, approved_inspiration, status, outcome
):
    Inspiration.objects.filter(pk=approved_inspiration.pk).update(status=status)
    body = {**example(None), "status": outcome, "error": "transform failed"}

    message = error(n8n_api.post(url(approved_inspiration.id), body, format="json"), 400)

    assert message == (
        f"Inspiration {approved_inspiration.id} is {status}: a project is created only from an "
        "approved inspiration."
    )
    assert written() == (0, 0, 0)
    approved_inspiration.refresh_from_db()
    assert (approved_inspiration.status, approved_inspiration.error_message) == (status, None)


def test_an_inspiration_with_a_project_is_409_and_nothing_is_created(
    n8n_api, demo_types, approved_inspiration
):
    existing = project_create(
        name="first", project_type="image_post", inspiration_id=approved_inspiration.id
    )
    before = written()

    response = n8n_api.post(url(approved_inspiration.id), example(None), format="json")

    assert error(response, 409) == (
        f"Inspiration {approved_inspiration.id} already has project {existing.id}: an "
        "inspiration gets one project."
    )
    assert response.json()["data"] == {"project_id": existing.id}
    assert written() == before
    assert list(Project.objects.values_list("id", flat=True)) == [existing.id]


def test_the_project_approve_created_counts(n8n_api, demo_types):
    inspiration = inspiration_services.inspiration_create(
        title="no workflow", project_type_code="video_generation"
    )
    _, project = inspiration_services.inspiration_approve(inspiration=inspiration)
    before = written()

    response = n8n_api.post(url(inspiration.id), example(None), format="json")

    assert error(response, 409).endswith(
        f"already has project {project.id}: an inspiration gets one project."
    )
    assert written() == before


def test_a_soft_deleted_project_still_counts(n8n_api, demo_types, approved_inspiration):
    existing = project_create(
        name="deleted", project_type="image_post", inspiration_id=approved_inspiration.id
    )
    project_delete(project=existing)

    response = n8n_api.post(url(approved_inspiration.id), example(None), format="json")

    assert response.json()["data"] == {"project_id": existing.id}
    assert error(response, 409)
    assert not Project.objects.exists()


def test_the_delivery_that_created_the_project_still_gets_its_result(
    n8n_api, demo_types, approved_inspiration
):
    first = ok(n8n_api.post(url(approved_inspiration.id), example(None), format="json"))

    # Idempotency comes before the one-project rule: n8n's retry is answered, not refused.
    assert ok(n8n_api.post(url(approved_inspiration.id), example(None), format="json")) == first
    another = {**example(None), "executionId": "n8n_exec_other"}
    message = error(n8n_api.post(url(approved_inspiration.id), another, format="json"), 409)
    assert f"already has project {first['project_id']}" in message
    assert Project.objects.count() == 1
    assert WebhookEvent.objects.count() == 1
