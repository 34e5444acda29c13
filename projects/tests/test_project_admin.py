from django.urls import reverse

from core.testing import ok
from projects.models import Project
from tasks.models import Task


def make_demo_project(api) -> dict:
    return ok(
        api.post("/projects", {"name": "v", "project_type": "video_generation"}, format="json"), 201
    )


def test_the_project_page_draws_its_task_graph_coloured_by_status(admin_client, api, demo_types):
    project = make_demo_project(api)
    page = admin_client.get(reverse("admin:projects_project_change", args=[project["id"]]))
    html = page.content.decode()
    assert page.status_code == 200
    for task in project["tasks"]:
        assert f"#{task['id']} {task['task_type']}" in html
    assert "#8ec5ff" in html  # the pending root
    assert "#d0d4da" in html  # the waiting rest


def test_the_list_shows_progress(admin_client, api, demo_types):
    make_demo_project(api)
    html = admin_client.get(reverse("admin:projects_project_changelist")).content.decode()
    assert "0 / 6" in html


def test_an_invalid_status_change_is_refused_by_the_form(admin_client, api, demo_types):
    project = make_demo_project(api)
    url = reverse("admin:projects_project_change", args=[project["id"]])
    form = {
        "name": "v",
        "status": "completed",
        "initial_parameters": "{}",
        "score_details": "null",
        "tasks-TOTAL_FORMS": "0",
        "tasks-INITIAL_FORMS": "0",
    }
    html = admin_client.post(url, form).content.decode()
    assert "Invalid status transition from pending to completed" in html
    assert Project.objects.get(id=project["id"]).status == "pending"


def test_delete_and_restore_bring_the_tasks_along(admin_client, api, demo_types):
    project = make_demo_project(api)
    changelist = reverse("admin:projects_project_changelist")
    admin_client.post(
        changelist, {"action": "soft_delete", "_selected_action": [project["id"]], "post": "yes"}
    )
    assert not Task.objects.filter(project_id=project["id"]).exists()
    response = admin_client.post(
        f"{changelist}?deleted=yes",
        {"action": "restore", "_selected_action": [project["id"]]},
        follow=True,
    )
    assert "1 project(s) restored." in response.content.decode()
    assert Task.objects.filter(project_id=project["id"]).count() == 6
    assert Project.objects.get(id=project["id"]).total_tasks == 6


def test_recalculate_action_repairs_counters(admin_client, api, demo_types):
    project = make_demo_project(api)
    Project.objects.filter(id=project["id"]).update(total_tasks=0)
    admin_client.post(
        reverse("admin:projects_project_changelist"),
        {"action": "recalculate_tasks", "_selected_action": [project["id"]]},
    )
    assert Project.objects.get(id=project["id"]).total_tasks == 6
