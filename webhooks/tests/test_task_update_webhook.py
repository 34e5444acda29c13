from core.testing import error, ok
from tasks.models import Task
from webhooks.models import WebhookEvent
from webhooks.testing import task_of

# Contract section 7.4's request example, with one of its "completed|failed|processing".
EXAMPLE = {
    "status": "completed",
    "task_output": {"result_url": "https://example.com/result.mp4"},
    "error_message": "错误信息",
    "commit_id": "task_commit_final",
}


def url(task_id):
    return f"/api/webhooks/n8n/task_update/{task_id}"


def test_contract_example(n8n_api, demo_project):
    script = task_of(demo_project, "script_generation")
    data = ok(n8n_api.post(url(script.id), EXAMPLE, format="json"))
    assert data == {
        "message": "Task webhook processed",
        "task_id": script.id,
        "status": "completed",
    }
    script.refresh_from_db()
    assert script.task_output == EXAMPLE["task_output"]
    assert script.commit_id == "task_commit_final"
    assert task_of(demo_project, "image_generation").status == "pending"
    event = WebhookEvent.objects.get()
    assert (event.endpoint, event.target_id, event.execution_id) == ("task_update", script.id, None)


def test_processing_then_completed_in_one_execution_are_two_deliveries(n8n_api, demo_project):
    script = task_of(demo_project, "script_generation")
    ok(n8n_api.post(url(script.id), {"status": "processing", "executionId": "e"}, format="json"))
    ok(n8n_api.post(url(script.id), {"status": "completed", "executionId": "e"}, format="json"))
    ok(n8n_api.post(url(script.id), {"status": "completed", "executionId": "e"}, format="json"))
    assert Task.objects.get(id=script.id).status == "completed"
    assert WebhookEvent.objects.count() == 2


def test_failed_is_recorded_on_the_task(n8n_api, demo_project):
    script = task_of(demo_project, "script_generation")
    body = {"status": "failed", "error_message": "timeout"}
    assert ok(n8n_api.post(url(script.id), body, format="json"))["status"] == "failed"
    script.refresh_from_db()
    assert (script.status, script.error_message) == ("failed", "timeout")


def test_an_invalid_transition_is_400(n8n_api, demo_project):
    compose = task_of(demo_project, "video_compose")
    message = error(n8n_api.post(url(compose.id), EXAMPLE, format="json"), 400)
    assert message == "Invalid status transition from waiting to completed"
    assert not WebhookEvent.objects.exists()


def test_unknown_task_is_404(n8n_api):
    assert error(n8n_api.post(url(99999), EXAMPLE, format="json"), 404) == "Task not found"
