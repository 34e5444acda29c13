"""The callback URLs sent to n8n are built from the webhook routes' names, so they are the
routes: a renamed path changes both at once."""

from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse

from core.models import WorkflowRun
from core.testing_n8n import PUBLIC_URL
from inspirations import services as inspiration_services
from projects.services import project_create, project_regenerate
from webhooks import views

ROUTES = {
    "n8n-inspiration": ("/api/webhooks/n8n/inspiration/7", views.inspiration),
    "n8n-project-creation": ("/api/webhooks/n8n/project_creation/7", views.project_creation),
    "n8n-project-execution": ("/api/webhooks/n8n/project_execution/7", views.project_execution),
    "n8n-task-update": ("/api/webhooks/n8n/task_update/7", views.task_update),
}


def route_of(url: str):
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC_URL
    return resolve(parts.path)


@pytest.mark.parametrize("name", ROUTES)
def test_each_webhook_route_reverses_to_the_contract_path(name):
    path, view = ROUTES[name]
    assert reverse(name, args=[7]) == path
    assert resolve(path).func == view
    assert resolve(path + "/").url_name == name


def test_inspiration_triggers_call_back_on_the_inspiration_and_creation_routes(n8n, demo_types):
    idea = inspiration_services.inspiration_create(
        title="night city", project_type_code="video_generation", parameters={}
    )
    inspiration_services.inspiration_regenerate(inspiration=idea)
    inspiration_services.inspiration_update(inspiration=idea, status="draft")
    inspiration_services.inspiration_approve(inspiration=idea)
    regenerate, approve = WorkflowRun.objects.order_by("id")
    for run, name in ((regenerate, "n8n-inspiration"), (approve, "n8n-project-creation")):
        match = route_of(run.payload["callbackUrl"])
        assert (match.url_name, match.kwargs) == (name, {"target_id": str(idea.id)})


def test_execution_trigger_calls_back_on_the_project_and_each_task_route(n8n, demo_types):
    project = project_create(name="p", project_type="video_generation")
    project_regenerate(project=project)
    payload = WorkflowRun.objects.get().payload
    match = route_of(payload["callbackUrl"])
    assert (match.url_name, match.kwargs) == (
        "n8n-project-execution",
        {"target_id": str(project.id)},
    )
    tasks = payload["data"]["tasks"]
    assert tasks
    for task in tasks:
        match = route_of(task["callbackUrl"])
        assert (match.url_name, match.kwargs) == ("n8n-task-update", {"target_id": str(task["id"])})
