"""GET /projects (1.2) and GET /projects/{id} (1.3)."""

from core.testing import error, ok
from projects.models import Project
from tasks.services import TaskSpec, tasks_create

LIST_KEYS = {
    "id",
    "name",
    "project_type",
    "status",
    "total_tasks",
    "completed_tasks",
    "failed_tasks",
    "created_at",
    "updated_at",
}


def test_contract_list_example(api, create_project, demo_types):
    project = create_project()
    response = api.get("/projects?skip=0&limit=100")
    [item] = ok(response)
    assert set(item) == LIST_KEYS
    assert item["id"] == project["id"]
    assert item["project_type"] == "video_generation"
    assert item["status"] == "pending"
    assert (item["total_tasks"], item["completed_tasks"], item["failed_tasks"]) == (6, 0, 0)
    assert response["X-Total-Count"] == "1"


def test_list_is_served_under_api_too(api, create_project):
    project = create_project(project_type="x")
    assert [p["id"] for p in ok(api.get("/api/projects"))] == [project["id"]]


def test_list_filters_by_status_and_type(api, create_project):
    a = create_project(project_type="a")
    b = create_project(project_type="b")
    Project.objects.filter(id=b["id"]).update(status="failed")
    assert [p["id"] for p in ok(api.get("/projects?project_type=a"))] == [a["id"]]
    assert [p["id"] for p in ok(api.get("/projects?status=failed"))] == [b["id"]]
    message = error(api.get("/projects?status=nope"), 400)
    assert message == (
        'status: "nope" is not a valid choice. Valid choices: pending, processing, completed, '
        "failed."
    )


def test_list_hides_deleted_projects(api, create_project):
    project = create_project(project_type="x")
    ok(api.delete(f"/projects/{project['id']}"))
    assert ok(api.get("/projects")) == []


def test_detail_has_the_create_shape(api, create_project, demo_types):
    project = create_project()
    detail = ok(api.get(f"/projects/{project['id']}"))
    assert detail == project


def test_unknown_project_is_a_404(api):
    assert error(api.get("/projects/999999"), 404) == "Project not found"
    assert error(api.get("/projects/99999999999999999999999"), 404) == "Project not found"


def test_deleted_project_is_a_404(api, create_project):
    project = create_project(project_type="x")
    ok(api.delete(f"/projects/{project['id']}"))
    assert error(api.get(f"/projects/{project['id']}"), 404) == "Project not found"


def test_detail_of_a_project_with_500_tasks_runs_a_constant_number_of_queries(
    api, create_project, django_assert_num_queries
):
    small = create_project(project_type="x")
    big = create_project(project_type="x")
    tasks_create([TaskSpec(project_id=small["id"], task_type="t")])
    first = tasks_create([TaskSpec(project_id=big["id"], task_type="t")])[0]
    tasks_create(
        [TaskSpec(project_id=big["id"], task_type="t", dependencies=[first.id]) for _ in range(499)]
    )
    # token (2: knox's token with its user, the client's role), project,
    # tasks, dependency edges
    with django_assert_num_queries(5):
        ok(api.get(f"/projects/{small['id']}"))
    with django_assert_num_queries(5):
        assert len(ok(api.get(f"/projects/{big['id']}"))["tasks"]) == 500


def test_list_runs_a_constant_number_of_queries(api, create_project, django_assert_num_queries):
    create_project(project_type="x")
    # token (2: knox's token with its user, the client's role), count, page
    with django_assert_num_queries(4):
        ok(api.get("/projects"))
    for _ in range(20):
        create_project(project_type="x")
    with django_assert_num_queries(4):
        assert len(ok(api.get("/projects"))) == 21
