from core.testing import error, ok
from projects.models import Project
from tasks.models import Task
from webhooks.models import WebhookEvent
from webhooks.testing import task_of


def example(task_id):
    """Contract section 7.3's request example; its task_id is a real task's."""
    return {
        "status": "success",
        "task_updates": [
            {
                "task_id": task_id,
                "status": "completed",
                "task_output": {"video_url": "https://example.com/video.mp4"},
                "error_message": None,
                "commit_id": "task_commit_789",
            }
        ],
        "project_updates": {"status": "processing"},
        "executionId": "n8n_exec_789",
    }


def url(project_id):
    return f"/api/webhooks/n8n/project_execution/{project_id}"


def test_contract_example_applies_task_and_project_updates(n8n_api, demo_project):
    script = task_of(demo_project, "script_generation")
    data = ok(n8n_api.post(url(demo_project.id), example(script.id), format="json"))
    assert data == {
        "message": "Project execution webhook processed",
        "project_id": demo_project.id,
        "status": "success",
        "project_status": "processing",
        "tasks_updated": 1,
    }
    script.refresh_from_db()
    assert script.status == "completed"
    assert script.task_output == {"video_url": "https://example.com/video.mp4"}
    assert script.commit_id == "task_commit_789"
    # Its dependents were promoted by the completion.
    assert task_of(demo_project, "audio_generation").status == "pending"
    demo_project.refresh_from_db()
    assert (demo_project.status, demo_project.completed_tasks) == ("processing", 1)
    assert WebhookEvent.objects.get().execution_id == "n8n_exec_789"


def test_all_or_nothing(n8n_api, demo_project):
    script = task_of(demo_project, "script_generation")
    compose = task_of(demo_project, "video_compose")
    body = example(script.id)
    # waiting → completed is not a transition: the whole callback is refused.
    body["task_updates"].append({"task_id": compose.id, "status": "completed"})
    message = error(n8n_api.post(url(demo_project.id), body, format="json"), 400)
    assert message == "task_updates[1]: Invalid status transition from waiting to completed"
    script.refresh_from_db()
    assert (script.status, script.commit_id) == ("pending", None)
    assert not WebhookEvent.objects.exists()


def test_a_task_of_another_project_is_400(n8n_api, demo_project, demo_types):
    from projects.services import project_create

    other = project_create(name="other", project_type="video_generation")
    foreign = task_of(other, "script_generation")
    message = error(n8n_api.post(url(demo_project.id), example(foreign.id), format="json"), 400)
    assert message == (
        f"task_updates[0].task_id: Task {foreign.id} is not a task of project {demo_project.id}."
    )
    assert Task.objects.get(id=foreign.id).status == "pending"


def test_failed_fails_the_project(n8n_api, demo_project):
    body = {"status": "failed", "error": "render farm down", "executionId": "x"}
    data = ok(n8n_api.post(url(demo_project.id), body, format="json"))
    assert data["project_status"] == "failed"
    assert Project.objects.get(id=demo_project.id).status == "failed"


def test_an_invalid_project_status_transition_is_400(n8n_api, demo_project):
    body = {"status": "success", "project_updates": {"status": "completed"}}
    message = error(n8n_api.post(url(demo_project.id), body, format="json"), 400)
    assert message == "Invalid status transition from pending to completed"


def test_unknown_project_is_404(n8n_api):
    assert error(n8n_api.post(url(123), example(1), format="json"), 404) == "Project not found"
