"""GET /api/tasks (2.7) and GET /api/tasks/{id}."""

from core.testing import error, ok
from projects.models import Project


def test_contract_list_example(api, create_task):
    a, b = create_task(), create_task()
    response = api.get("/api/tasks?skip=0&limit=100")
    assert [t["id"] for t in ok(response)] == [a["id"], b["id"]]
    assert response["X-Total-Count"] == "2"


def test_filters(api, project, create_task):
    other = Project.objects.create(name="o", project_type="x")
    a = create_task(task_type="script")
    b = create_task(task_type="voice", status="completed")
    c = ok(
        api.post("/api/tasks", {"project_id": other.id, "task_type": "script"}, format="json"), 201
    )
    ids = lambda query: [t["id"] for t in ok(api.get(f"/api/tasks?{query}"))]  # noqa: E731
    assert ids(f"project_id={project.id}") == [a["id"], b["id"]]
    assert ids("task_type=script") == [a["id"], c["id"]]
    assert ids("status=completed") == [b["id"]]
    assert ids("status=completed&status=pending") == [a["id"], b["id"], c["id"]]
    assert ids(f"project_id={other.id}&task_type=voice") == []


def test_bad_filters_are_refused(api):
    assert error(api.get("/api/tasks?project_id=abc"), 400) == "project_id: Enter a whole number."
    assert error(api.get("/api/tasks?project_id=1.5"), 400) == "project_id: Enter a whole number."
    assert error(api.get("/api/tasks?status=nope"), 400) == (
        'status: "nope" is not a valid choice. Valid choices: waiting, pending, processing, '
        "completed, failed."
    )


def test_detail(api, create_task):
    task = create_task()
    assert ok(api.get(f"/api/tasks/{task['id']}")) == task


def test_list_runs_a_constant_number_of_queries(api, create_task, django_assert_num_queries):
    root = create_task()
    # token (2: knox's token with its user, the client's role), count, page,
    # dependency edges
    with django_assert_num_queries(5):
        ok(api.get("/api/tasks"))
    for _ in range(30):
        create_task(dependencies=[root["id"]])
    with django_assert_num_queries(5):
        assert len(ok(api.get("/api/tasks"))) == 31
