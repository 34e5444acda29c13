"""Outbound n8n calls against a real HTTP server on loopback (core.testing_n8n.FakeN8n).

These tests commit (transaction=True): the trigger is sent only after the commit.
"""

from urllib.parse import urlsplit

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.test import Client

from core.models import WorkflowRun
from core.n8n import workflow_run_retry
from core.testing import error, ok, trigger_failed
from core.testing_n8n import PUBLIC_URL
from inspirations import services as inspiration_services
from inspirations.models import Inspiration
from projects.models import Project
from projects.services import project_create
from tasks.models import Task

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def idea(demo_types):
    return inspiration_services.inspiration_create(
        title="night city", project_type_code="video_generation", parameters={"style": "noir"}
    )


def callback_path(payload: dict) -> str:
    url = urlsplit(payload["callbackUrl"])
    assert f"{url.scheme}://{url.netloc}" == PUBLIC_URL
    return url.path


def test_regenerate_sends_the_documented_payload_and_the_callback_applies(api, n8n_api, n8n, idea):
    body = {"parameter_overrides": {"style": "retro"}}
    data = ok(api.post(f"/api/inspirations/{idea.id}/regenerate", body, format="json"))
    run = WorkflowRun.objects.get()
    assert data["status"] == "generating"
    assert data["workflow_run"] == {
        "id": run.id,
        "kind": "inspiration",
        "state": "succeeded",
        "error": None,
    }
    [request] = n8n.requests
    assert request["path"] == "/webhook/inspiration"
    assert request["headers"]["X-ShortsGen-Run-Id"] == str(run.id)
    payload = request["json"]
    assert payload == {
        "runId": run.id,
        "kind": "inspiration",
        "target": {"type": "inspiration", "id": idea.id},
        "data": {
            "inspiration_id": idea.id,
            "title": "night city",
            "description": None,
            "project_type_code": "video_generation",
            "source": None,
            "parameters": {"style": "retro"},
            "score": None,
            "review_notes": None,
        },
        "callbackUrl": f"{PUBLIC_URL}/api/webhooks/n8n/inspiration/{idea.id}",
    }
    assert (run.http_status, run.attempts) == (200, 1)

    # n8n calls back (with its own token) with what it generated.
    result = {
        "status": "success",
        "runId": payload["runId"],
        "executionId": "4711",
        "data": {"title": "Neon nights", "score": 4},
    }
    ok(n8n_api.post(callback_path(payload), result, format="json"))
    idea.refresh_from_db()
    assert (idea.status, idea.title, idea.score) == ("draft", "Neon nights", 4)
    run.refresh_from_db()
    assert run.execution_id == "4711"
    assert run.callback_received_at is not None
    assert run.webhook_events.get().execution_id == "4711"


def test_approve_triggers_the_transform_workflow_and_project_creation_creates(
    api, n8n_api, n8n, idea
):
    data = ok(api.post(f"/api/inspirations/{idea.id}/approve", {"score": 4}, format="json"))
    assert data["status"] == "approved"
    assert data["project_id"] is None
    assert data["workflow_run"]["state"] == "succeeded"
    assert not Project.objects.exists()
    payload = n8n.requests[0]["json"]
    assert payload["kind"] == "transform"
    assert payload["data"]["score"] == 4
    assert payload["callbackUrl"].endswith(f"/api/webhooks/n8n/project_creation/{idea.id}")

    result = {
        "status": "success",
        "runId": payload["runId"],
        "executionId": "exec-9",
        "project": {"name": "Night city", "project_type": "video_generation"},
        "tasks": [
            {"key": "script", "task_type": "script_generation"},
            {"key": "video", "task_type": "video_generation", "dependencies": ["script"]},
        ],
    }
    created = ok(n8n_api.post(callback_path(payload), result, format="json"))
    project = Project.objects.get(id=created["project_id"])
    assert project.inspiration_id == idea.id
    assert project.used_transform_workflow_id == str(payload["runId"])
    assert project.total_tasks == 2


def test_project_regenerate_triggers_the_execution_workflow(api, n8n_api, n8n, demo_types):
    project = project_create(name="p", project_type="video_generation")
    data = ok(api.post(f"/projects/{project.id}/regenerate", {"voice": "f"}, format="json"))
    run = WorkflowRun.objects.get()
    assert data == {
        "message": "Project regeneration workflow triggered",
        "project_id": project.id,
        "execution_id": str(run.id),
        "workflow_run": {"id": run.id, "kind": "execution", "state": "succeeded", "error": None},
    }
    project.refresh_from_db()
    assert project.used_execution_workflow_id == str(run.id)
    payload = n8n.requests[0]["json"]
    assert payload["target"] == {"type": "project", "id": project.id}
    assert payload["data"]["initial_parameters"]["voice"] == "f"
    tasks = payload["data"]["tasks"]
    assert len(tasks) == 6
    script = next(t for t in tasks if t["task_type"] == "script_generation")
    assert script["status"] == "pending"
    assert script["callbackUrl"] == f"{PUBLIC_URL}/api/webhooks/n8n/task_update/{script['id']}"

    # The workflow reports the script done through the project_execution callback.
    result = {
        "status": "success",
        "runId": run.id,
        "executionId": "e-1",
        "task_updates": [{"task_id": script["id"], "status": "completed"}],
    }
    ok(n8n_api.post(callback_path(payload), result, format="json"))
    assert Task.objects.get(id=script["id"]).status == "completed"
    run.refresh_from_db()
    assert (run.state, run.execution_id) == ("succeeded", "e-1")


def test_a_failure_reported_in_the_callback_fails_the_run(api, n8n_api, n8n, idea):
    ok(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    payload = n8n.requests[0]["json"]
    body = {"status": "failed", "runId": payload["runId"], "data": {"error": "LLM down"}}
    ok(n8n_api.post(callback_path(payload), body, format="json"))
    run = WorkflowRun.objects.get()
    assert (run.state, run.error) == ("failed", "The workflow reported: LLM down")
    idea.refresh_from_db()
    assert (idea.status, idea.error_message) == ("failed", "LLM down")


def test_n8n_answering_500_fails_the_run_and_the_admin_retry_succeeds(api, n8n, demo_types):
    n8n.status = 500
    n8n.body = {"message": "Error in workflow"}
    project = project_create(name="p", project_type="video_generation")
    data = trigger_failed(api.post(f"/projects/{project.id}/regenerate"))
    assert data["workflow_run"]["state"] == "failed"
    assert data["workflow_run"]["error"] == "n8n answered HTTP 500."
    assert WorkflowRun.objects.get().response_excerpt == '{"message": "Error in workflow"}'
    assert data["execution_id"] == str(data["workflow_run"]["id"])
    assert Project.objects.get(id=project.id).status == "processing"

    n8n.status, n8n.body = 200, {"message": "Workflow was started"}
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(admin)
    run = WorkflowRun.objects.get()
    response = client.post(
        "/admin/core/workflowrun/",
        {"action": "retry", "_selected_action": [run.id]},
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.state, run.http_status, run.attempts) == ("succeeded", 200, 2)
    assert len(n8n.requests) == 2


def test_a_proxy_503_is_retried_within_the_call(api, n8n, idea, settings):
    settings.N8N_RETRIES = 2
    n8n.status = 503
    trigger_failed(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    run = WorkflowRun.objects.get()
    assert (run.state, run.http_status) == ("failed", 503)
    # The first try and two retries.
    assert len(n8n.requests) == 3


def test_only_failed_runs_can_be_retried(api, n8n, idea):
    ok(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    run = WorkflowRun.objects.get()
    with pytest.raises(Exception, match="Only failed runs can be retried"):
        workflow_run_retry(run_id=run.id)
    assert len(n8n.requests) == 1


def test_a_rolled_back_change_sends_nothing(api, n8n, idea):
    Inspiration.objects.filter(id=idea.id).update(status="approved")
    error(api.post(f"/api/inspirations/{idea.id}/regenerate"), 400)
    assert not WorkflowRun.objects.exists()
    assert n8n.requests == []


def test_without_workflows_nothing_is_sent(api, settings, idea):
    settings.N8N_TRANSFORM_WORKFLOW_URL = ""
    data = ok(api.post(f"/api/inspirations/{idea.id}/approve"))
    assert Project.objects.get(id=data["project_id"]).total_tasks == 6
    assert "workflow_run" not in data
    project = Project.objects.get(id=data["project_id"])
    regenerated = ok(api.post(f"/projects/{project.id}/regenerate"))
    assert regenerated["execution_id"] is None
    assert not WorkflowRun.objects.exists()


def test_a_type_url_overrides_the_setting(api, n8n, demo_types, idea):
    demo_types["video_generation"].inspiration_workflow_url = n8n.url("/webhook/own")
    demo_types["video_generation"].save()
    ok(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    assert n8n.requests[0]["path"] == "/webhook/own"


def test_admin_lists_runs_read_only(n8n, idea):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(admin)
    inspiration_services.inspiration_regenerate(inspiration=idea)
    run = WorkflowRun.objects.get()
    assert client.get("/admin/core/workflowrun/").status_code == 200
    assert client.get(f"/admin/core/workflowrun/{run.id}/change/").status_code == 200
    assert not site._registry[WorkflowRun].has_change_permission(None)
