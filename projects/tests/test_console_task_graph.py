"""In a real browser: a project's task graph, a click on a box to its task's page with the
attempts, and the expired lease found in the task list through the lease filter."""

from datetime import timedelta

import pytest
from django.utils import timezone

from projects.models import Project
from tasks.models import Task
from tasks.services import TaskSpec, task_update, tasks_claim, tasks_create
from tasks.testing import worker_actor

pytestmark = pytest.mark.browser


def sixty_task_project() -> tuple[Project, Task]:
    """60 tasks in layers of six (a render farm's fan-out); the first layer worked: two
    completed, one failed and retried, one whose worker went silent."""
    project = Project.objects.create(name="Sixty shots", project_type="custom")
    specs = []
    for index in range(60):
        deps = [f"t{index - 6}"] if index >= 6 else []
        if index >= 7 and index % 3 == 0:
            deps.append(f"t{index - 7}")
        kind = ["script", "voice", "image", "render", "subtitle", "<merge & mux>"][index % 6]
        specs.append(
            TaskSpec(
                project_id=project.id,
                task_type=kind,
                key=f"t{index}",
                dependencies=deps,
                max_attempts=3,
            )
        )
    tasks_create(specs)
    worker = worker_actor()
    claimed = tasks_claim(
        actor=worker,
        task_types=["script", "voice", "image", "render"],
        max_tasks=4,
        worker_id="gpu-7",
    )
    by_type = {task.task_type: task for task in claimed}
    for kind in ("script", "voice"):
        task_update(
            task_id=by_type[kind].id,
            actor=worker,
            lease_token=by_type[kind].lease_token,
            status=Task.Status.COMPLETED,
            task_output={"ok": True},
        )
    task_update(
        task_id=by_type["image"].id,
        actor=worker,
        lease_token=by_type["image"].lease_token,
        status=Task.Status.FAILED,
        error_message="CUDA out of memory at step 31",
    )
    stale = by_type["render"]
    Task.objects.filter(id=stale.id).update(lease_expires_at=timezone.now() - timedelta(minutes=7))
    return project, stale


def test_an_operator_reads_the_graph_and_finds_the_expired_lease(console):
    project, stale = sixty_task_project()
    console.open(f"/admin/projects/project/{project.id}/change/")
    page = console.page
    graph = page.locator("svg.task-graph")
    assert graph.locator("a.node").count() == 60
    assert graph.locator("path[marker-end]").count() > 60
    # The frame scrolls, the page does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    frame_box = page.locator(".task-graph-frame").bounding_box()
    assert frame_box["x"] + frame_box["width"] <= 1280
    assert page.locator(".task-graph-frame").evaluate("f => f.scrollWidth > f.clientWidth")
    frame = page.locator(".task-graph-frame")
    frame.scroll_into_view_if_needed()
    console.shot("graph-of-sixty-tasks")
    frame.screenshot(path=str(console.folder / "graph-frame.png"))

    stale_box = graph.locator(f'a.node[data-key="{stale.id}"]')
    assert "expired" in stale_box.text_content()
    stale_box.click()
    page.wait_for_url(f"**/admin/tasks/task/{stale.id}/change/")
    assert page.locator('input[name="_save"]').count() == 0
    attempts = page.locator("#attempt_records-group")
    assert "gpu-7" in attempts.inner_text()
    assert "running" in attempts.inner_text()
    assert "expired" in page.locator(".field-lease_state").inner_text()
    console.shot("task-page-with-attempts")

    console.open("/admin/tasks/task/?lease=expired")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "lease expired 7 min ago" in rows.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    console.shot("expired-leases")


def test_a_project_types_template_is_previewed_as_a_graph(console, demo_types):
    video = demo_types["video_generation"]
    console.open(f"/admin/projects/projecttype/{video.pk}/change/")
    graph = console.page.locator("svg.task-graph")
    assert graph.locator(".node").count() == len(video.task_template)
    assert graph.locator("a").count() == 0
    graph.scroll_into_view_if_needed()
    console.shot("template-preview")
