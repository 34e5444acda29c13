"""The task graph: cycles refused, promotion when dependencies complete, derived project status."""

from accounts.demo import load_demo_accounts
from core.testing import error, ok
from projects.models import Project
from tasks.models import TaskDependency
from tasks.testing import claim, patch, report


def test_a_self_cycle_is_refused(api, create_task):
    task = create_task()
    assert error(patch(api, task["id"], dependencies=[task["id"]]), 400) == (
        "dependencies: A task cannot depend on itself."
    )
    assert not TaskDependency.objects.exists()


def test_a_direct_cycle_is_refused(api, create_task):
    a = create_task()
    b = create_task(dependencies=[a["id"]])
    assert error(patch(api, a["id"], dependencies=[b["id"]]), 400) == (
        "dependencies: These dependencies would create a cycle."
    )
    assert ok(api.get(f"/api/tasks/{a['id']}"))["dependencies"] == []
    assert TaskDependency.objects.count() == 1


def test_an_indirect_cycle_is_refused(api, create_task):
    a = create_task()
    b = create_task(dependencies=[a["id"]])
    c = create_task(dependencies=[b["id"]])
    assert error(patch(api, a["id"], dependencies=[c["id"]]), 400) == (
        "dependencies: These dependencies would create a cycle."
    )
    assert TaskDependency.objects.count() == 2
    assert ok(api.get(f"/api/tasks/{a['id']}"))["status"] == "pending"


def test_patch_replaces_dependencies_and_rederives_the_status(api, create_task):
    a = create_task()
    b = create_task()
    c = create_task(dependencies=[a["id"]])
    assert c["status"] == "waiting"
    ok(patch(api, b["id"], status="completed"))
    data = ok(patch(api, c["id"], dependencies=[b["id"]]))
    assert data["dependencies"] == [b["id"]]
    assert data["status"] == "pending"
    data = ok(patch(api, c["id"], dependencies=[a["id"], b["id"]]))
    assert data["status"] == "waiting"


def test_diamond_d_waits_for_both_b_and_c(api, create_task):
    a = create_task(task_type="a")
    b = create_task(task_type="b", dependencies=[a["id"]])
    c = create_task(task_type="c", dependencies=[a["id"]])
    d = create_task(task_type="d", dependencies=[b["id"], c["id"]])
    status = lambda task: ok(api.get(f"/api/tasks/{task['id']}"))["status"]  # noqa: E731

    ok(patch(api, a["id"], status="completed"))
    assert (status(b), status(c), status(d)) == ("pending", "pending", "waiting")
    ok(patch(api, b["id"], status="completed"))
    assert status(d) == "waiting"
    ok(patch(api, c["id"], status="processing"))
    assert status(d) == "waiting"
    ok(patch(api, c["id"], status="completed"))
    assert status(d) == "pending"


def test_a_demo_project_completes_when_its_tasks_complete_in_order(api, worker_api, demo_types):
    load_demo_accounts()  # the image and video steps need platform accounts with quota
    project = ok(
        api.post("/projects", {"name": "v", "project_type": "video_generation"}, format="json"), 201
    )
    assert len(project["tasks"]) == 6
    assert sum(t["status"] == "pending" for t in project["tasks"]) == 1
    all_types = sorted({t["task_type"] for t in project["tasks"]})
    done = []
    while True:
        response = claim(worker_api, *all_types)
        if response.json()["code"] == 1:
            break
        task = ok(response)
        assert set(task["dependencies"]) <= set(done)
        ok(report(worker_api, task, status="completed", task_output={"ok": True}))
        done.append(task["id"])
    assert len(done) == 6
    detail = ok(api.get(f"/projects/{project['id']}"))
    assert detail["status"] == "completed"
    assert (detail["total_tasks"], detail["completed_tasks"], detail["failed_tasks"]) == (6, 6, 0)


def test_project_status_moves_with_its_tasks(worker_api, project, create_task):
    a = create_task()
    create_task(dependencies=[a["id"]])
    claimed = ok(claim(worker_api, "video_generation"))
    assert claimed["id"] == a["id"]
    assert Project.objects.get(id=project.id).status == "processing"
    ok(report(worker_api, claimed, status="completed"))
    assert Project.objects.get(id=project.id).status == "processing"
