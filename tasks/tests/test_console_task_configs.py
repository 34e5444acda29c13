"""Task configs in a real browser, where they moved with issue 12 (Tasks → Task configs):
an operator links a worker config to a task with an override, then finds the link."""

import pytest

from projects.models import Project
from tasks.models import TaskConfig
from tasks.services import TaskSpec, tasks_create
from workerconfigs.models import WorkerConfig

pytestmark = pytest.mark.browser


def test_link_a_config_to_a_task_and_find_it(console):
    project = Project.objects.create(name="Night city", project_type="x")
    [task] = tasks_create([TaskSpec(project_id=project.id, task_type="video_generation")])
    config = WorkerConfig.objects.create(
        config_name="dreamina style",
        config_type="execution",
        worker_type="video_generator",
        config_data={"style": "noir", "fps": 24},
    )
    console.open("/admin/")
    page = console.page
    page.get_by_role("link", name="Task configs").click()
    page.get_by_role("link", name="Add task config").click()
    page.fill("#id_task", str(task.pk))
    page.fill("#id_config", str(config.pk))
    page.fill("#id_override_data", '{"fps": 30}')
    console.shot("link-form")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was added successfully" in page.locator(".messagelist .success").inner_text()
    console.shot("linked")
    link = TaskConfig.objects.get()
    assert (link.task_id, link.config_id, link.override_data) == (task.pk, config.pk, {"fps": 30})
    page.fill("#searchbar", "dreamina")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=dreamina" in page.url
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "dreamina style" in rows.first.inner_text()
