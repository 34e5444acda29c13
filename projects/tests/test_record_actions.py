"""The buttons on a project's page: Regenerate, Recount, Soft delete and Restore."""

import pytest

from core.roles import Role
from core.testing import console_messages, session_client
from projects.models import Project
from projects.services import project_create, project_delete
from tasks.models import Task

PAGE = "/admin/projects/project/{}/change/"
ACTION = "/admin/projects/project/{}/actions/{}/"
NAMES = ("regenerate", "recount", "soft_delete", "restore")


@pytest.fixture
def operator(db):
    return session_client("op", Role.OPERATOR)


@pytest.fixture
def project(demo_types):
    return project_create(name="clip", project_type="video_generation")


def buttons(client, project) -> list[str]:
    page = client.get(PAGE.format(project.pk)).content.decode()
    return [name for name in NAMES if ACTION.format(project.pk, name) in page]


def said_after(client, response):
    assert response.status_code == 302, response.content[:2000]
    return console_messages(client.get(response["Location"]))


def link(project) -> str:
    return f'<a href="{PAGE.format(project.pk)}">Project #{project.pk} “{project.name}”</a>'


def test_a_live_project_shows_regenerate_recount_and_soft_delete(operator, project):
    assert buttons(operator, project) == ["regenerate", "recount", "soft_delete"]


def test_recount_corrects_the_counters(operator, project):
    Project.objects.filter(pk=project.pk).update(total_tasks=99, failed_tasks=7)
    assert "counted again" in operator.get(ACTION.format(project.pk, "recount")).content.decode()
    said = said_after(operator, operator.post(ACTION.format(project.pk, "recount")))
    total = Task.objects.filter(project=project).count()
    assert said == [
        (
            "success",
            f"{link(project)} recounted: 0 of {total} tasks completed, 0 failed; it is pending.",
        )
    ]
    project.refresh_from_db()
    assert (project.total_tasks, project.failed_tasks) == (total, 0)


def test_regenerate_without_a_workflow_requeues(operator, project):
    Task.objects.filter(project=project).update(status="failed")
    said = said_after(operator, operator.post(ACTION.format(project.pk, "regenerate")))
    assert said == [("success", f"{link(project)} regenerated: its tasks are queued again.")]
    project.refresh_from_db()
    assert project.status == Project.Status.PROCESSING
    assert not Task.objects.filter(project=project, status="failed").exists()


def test_soft_delete_then_restore_from_the_page(operator, project):
    tasks = Task.objects.filter(project=project).count()
    said = said_after(operator, operator.post(ACTION.format(project.pk, "soft_delete")))
    assert said == [("success", f"{link(project)} deleted, with its tasks.")]
    assert Project.all_objects.get(pk=project.pk).deleted_at is not None
    assert not Task.objects.filter(project=project).exists()

    # A deleted project is read-only, but shows Restore (and only Restore).
    assert buttons(operator, project) == ["restore"]
    said = said_after(operator, operator.post(ACTION.format(project.pk, "restore")))
    assert said == [("success", f"{link(project)} restored, with its tasks.")]
    assert Task.objects.filter(project=project).count() == tasks


def test_restoring_a_live_project_explains(operator, project):
    said = said_after(operator, operator.post(ACTION.format(project.pk, "restore")))
    assert said == [("warning", f"Nothing was done: project #{project.pk} is not deleted.")]


def test_the_recount_list_action_names_the_deleted_rows_it_skipped(operator, project, demo_types):
    gone = project_create(name="gone", project_type="video_generation")
    project_delete(project=gone)
    response = operator.post(
        "/admin/projects/project/?deleted=all",
        {"action": "recalculate_tasks", "_selected_action": [project.pk, gone.pk]},
    )
    said = said_after(operator, response)
    assert [level for level, _ in said] == ["success", "warning"]
    assert said[1][1] == f"Skipped by “Recount”: #{gone.pk} is deleted."


def test_the_soft_delete_and_restore_list_actions_name_the_rows_they_skipped(
    operator, project, demo_types
):
    gone = project_create(name="gone", project_type="video_generation")
    project_delete(project=gone)
    both = {"_selected_action": [project.pk, gone.pk]}
    every_row = "/admin/projects/project/?deleted=all"
    confirmed = {"action": "soft_delete", "post": "yes", **both}
    said = said_after(operator, operator.post(every_row, confirmed))
    assert said == [
        ("success", "1 project(s) soft-deleted."),
        ("warning", f"Skipped (not soft-deleted): #{gone.pk} is already deleted."),
    ]
    said = said_after(operator, operator.post(every_row, {"action": "restore", **both}))
    assert said == [("success", "2 project(s) restored.")]
    assert Project.objects.count() == 2


def test_a_viewer_sees_no_buttons_and_may_not_act(project):
    viewer = session_client("watcher", Role.VIEWER)
    assert buttons(viewer, project) == []
    for name in NAMES:
        assert viewer.post(ACTION.format(project.pk, name)).status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()
