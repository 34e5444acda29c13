"""A task's buttons in a real browser: retry a failed task, fail a processing one with a
reason."""

import pytest

from projects.models import Project
from tasks.models import Task
from tasks.services import TaskSpec, tasks_claim, tasks_create
from tasks.testing import worker_actor

pytestmark = pytest.mark.browser


@pytest.fixture
def script_task(console_user):
    project = Project.objects.create(name="Night city", project_type="x")
    [task] = tasks_create([TaskSpec(project_id=project.id, task_type="script_generation")])
    return task


def test_retry_a_failed_task_from_its_page(console, script_task):
    Task.objects.filter(pk=script_task.pk).update(status="failed", error_message="timeout")
    Project.objects.filter(pk=script_task.project_id).update(failed_tasks=1, status="failed")
    console.open(f"/admin/tasks/task/{script_task.pk}/change/")
    page = console.page
    console.shot("failed-task")
    assert page.get_by_role("link", name="Release", exact=True).count() == 0
    page.get_by_role("link", name="Retry", exact=True).click()
    assert "back to the queue" in page.locator("#content").inner_text()
    console.shot("confirm-retry")
    page.get_by_role("button", name="Retry").click()
    assert page.locator(".messagelist .success").inner_text() == (
        f"Task #{script_task.pk} (script_generation) retried: it is pending again."
    )
    console.shot("retried")
    script_task.refresh_from_db()
    assert script_task.status == "pending"
    assert page.get_by_role("link", name="Retry", exact=True).count() == 0


def test_fail_a_processing_task_with_a_reason(console, script_task):
    [claimed] = tasks_claim(actor=worker_actor(), task_types=["script_generation"], worker_id="w7")
    assert claimed.pk == script_task.pk
    console.open(f"/admin/tasks/task/{script_task.pk}/change/")
    page = console.page
    page.get_by_role("link", name="Fail", exact=True).click()
    page.get_by_role("button", name="Fail").click()  # no reason yet: refused, nothing done
    assert "This field is required." in page.locator("#content").inner_text()
    page.fill("#id_reason", "Worker w7 hangs on this script; stop it")
    console.shot("fail-form")
    page.get_by_role("button", name="Fail").click()
    message = page.locator(".messagelist .success")
    assert message.inner_text() == (
        f"Task #{script_task.pk} (script_generation) failed: “Worker w7 hangs on this script; "
        f"stop it”. Project #{script_task.project_id} “Night city” is failed."
    )
    console.shot("failed")
    script_task.refresh_from_db()
    assert (script_task.status, script_task.error_message) == (
        "failed",
        "Worker w7 hangs on this script; stop it",
    )
    message.get_by_role("link", name=f"Project #{script_task.project_id} “Night city”").click()
    page.wait_for_url(f"**/admin/projects/project/{script_task.project_id}/change/")
