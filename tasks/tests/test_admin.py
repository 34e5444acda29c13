import pytest
from django.urls import reverse

from core.testing import console_messages
from projects.models import Project
from tasks.models import Task
from tasks.services import TaskSpec, task_update, tasks_claim, tasks_create
from tasks.testing import worker_actor


@pytest.fixture
def graph(db):
    project = Project.objects.create(name="p", project_type="x")
    root, child = tasks_create(
        [
            TaskSpec(project_id=project.id, task_type="script", key="a"),
            TaskSpec(project_id=project.id, task_type="voice", dependencies=["a"]),
        ]
    )
    return project, root, child


def test_the_list_and_a_task_page_render(admin_client, graph):
    _, root, child = graph
    page = admin_client.get(reverse("admin:tasks_task_changelist")).content.decode()
    assert "script" in page and "voice" in page
    page = admin_client.get(reverse("admin:tasks_task_change", args=[child.id])).content.decode()
    assert "depends on" in page.lower()
    assert f"#{root.id} script" in page


def test_retry_puts_failed_tasks_back_to_pending(admin_client, graph):
    project, root, child = graph
    worker = worker_actor()
    [claimed] = tasks_claim(actor=worker, task_types=["script"])
    task_update(
        task_id=root.id, actor=worker, lease_token=claimed.lease_token, status=Task.Status.FAILED
    )
    response = admin_client.post(
        reverse("admin:tasks_task_changelist"),
        {"action": "retry", "_selected_action": [root.id, child.id]},
        follow=True,
    )
    assert console_messages(response) == [
        (
            "success",
            f'<a href="/admin/tasks/task/{root.id}/change/">Task #{root.id} (script)</a> '
            "retried: it is pending again.",
        ),
        ("warning", f"Skipped by “Retry”: #{child.id} is waiting, not failed."),
    ]
    root.refresh_from_db()
    project.refresh_from_db()
    assert root.status == Task.Status.PENDING
    # Nothing of the project has started again yet.
    assert (project.failed_tasks, project.status) == (0, Project.Status.PENDING)


def test_release_gives_processing_tasks_back(admin_client, graph):
    _, root, child = graph
    assert tasks_claim(actor=worker_actor(), task_types=["script"], worker_id="w1")[0].id == root.id
    response = admin_client.post(
        reverse("admin:tasks_task_changelist"),
        {"action": "release", "_selected_action": [root.id, child.id]},
        follow=True,
    )
    assert console_messages(response) == [
        (
            "success",
            f'<a href="/admin/tasks/task/{root.id}/change/">Task #{root.id} (script)</a> '
            "released: pending again, the attempt not counted.",
        ),
        ("warning", f"Skipped by “Release”: #{child.id} is waiting, not processing."),
    ]
    root.refresh_from_db()
    assert (root.status, root.worker_id) == (Task.Status.PENDING, "w1")


def test_tasks_cannot_be_added_or_deleted_here(admin_client, graph):
    _, root, _ = graph
    assert admin_client.get(reverse("admin:tasks_task_add")).status_code == 403
    assert admin_client.get(reverse("admin:tasks_task_delete", args=[root.id])).status_code == 403
