"""Viewers look; only operators act (finding: actions open to anyone who could see a list)."""

import pytest
from django.test import Client

from core.models import WorkflowRun
from core.roles import Role
from core.testing import make_person, make_token
from projects.models import Project
from tasks.models import Task
from tasks.services import TaskSpec, tasks_create


@pytest.fixture
def failed_task(db):
    project = Project.objects.create(name="p", project_type="custom")
    [task] = tasks_create([TaskSpec(project_id=project.id, task_type="t", status="failed")])
    return task


def console_as(role):
    client = Client()
    client.force_login(make_person(f"person-{role}", role))
    return client


def act(client, url, action, pk):
    return client.post(url, {"action": action, "_selected_action": [pk]}, follow=True)


def test_a_viewer_sees_lists_but_no_action_changes_anything(failed_task):
    viewer = console_as(Role.VIEWER)
    assert viewer.get("/admin/tasks/task/").status_code == 200
    act(viewer, "/admin/tasks/task/", "retry", failed_task.pk)
    assert Task.objects.get(pk=failed_task.pk).status == "failed"
    run = WorkflowRun.objects.create(
        kind="inspiration",
        target_type="inspiration",
        target_id=1,
        url="http://n8n:5678/x",
        state="failed",
    )
    act(viewer, "/admin/core/workflowrun/", "retry", run.pk)
    assert WorkflowRun.objects.get(pk=run.pk).attempts == 0
    make_token("bot")
    from knox.models import AuthToken

    from core.models import ApiClient

    act(viewer, "/admin/core/apiclient/", "revoke_tokens", ApiClient.objects.get().pk)
    assert AuthToken.objects.count() == 1


def test_an_operator_retries_a_failed_task(failed_task):
    operator = console_as(Role.OPERATOR)
    act(operator, "/admin/tasks/task/", "retry", failed_task.pk)
    assert Task.objects.get(pk=failed_task.pk).status == "pending"
