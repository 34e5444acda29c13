"""The buttons on a task's page: Retry (failed), Release (processing), Fail with a reason."""

import pytest

from core.actors import Actor
from core.roles import Role
from core.testing import console_messages, make_person, session_client
from projects.models import Project
from tasks.models import Task
from tasks.services import TaskSpec, task_fail, task_update, tasks_claim, tasks_create
from tasks.testing import worker_actor

PAGE = "/admin/tasks/task/{}/change/"
ACTION = "/admin/tasks/task/{}/actions/{}/"


@pytest.fixture
def operator(db):
    return session_client("op", Role.OPERATOR)


@pytest.fixture
def graph(db):
    project = Project.objects.create(name="clip", project_type="x")
    root, child = tasks_create(
        [
            TaskSpec(project_id=project.id, task_type="script", key="a", max_attempts=3),
            TaskSpec(project_id=project.id, task_type="voice", dependencies=["a"]),
        ]
    )
    return project, root, child


def buttons(client, task) -> list[str]:
    page = client.get(PAGE.format(task.pk)).content.decode()
    return [name for name in ("retry", "release", "fail") if ACTION.format(task.pk, name) in page]


def said_after(client, response):
    assert response.status_code == 302, response.content[:2000]
    return console_messages(client.get(response["Location"]))


def claimed(root):
    [task] = tasks_claim(actor=worker_actor(), task_types=["script"], worker_id="w1")
    assert task.id == root.id
    return task


def test_each_status_shows_the_buttons_that_apply(operator, graph):
    _, root, child = graph
    assert buttons(operator, child) == ["fail"]  # waiting
    claimed(root)
    assert buttons(operator, root) == ["release", "fail"]
    task_fail(task_id=root.id, actor=Actor.operator(make_person("op", None)), reason="x")
    assert buttons(operator, root) == ["retry"]


def test_retry_puts_a_failed_task_back_in_the_queue(operator, graph):
    project, root, _ = graph
    task = claimed(root)
    Task.objects.filter(pk=root.pk).update(max_attempts=1)  # no attempt left: failed for good
    task_update(
        task_id=root.id,
        actor=worker_actor(),
        lease_token=task.lease_token,
        status="failed",
        error_message="boom",
    )
    root.refresh_from_db()
    assert root.status == "failed"
    assert "back to the queue" in operator.get(ACTION.format(root.pk, "retry")).content.decode()
    said = said_after(operator, operator.post(ACTION.format(root.pk, "retry")))
    assert said == [
        (
            "success",
            f'<a href="{PAGE.format(root.pk)}">Task #{root.pk} (script)</a> retried: it is '
            "pending again.",
        )
    ]
    root.refresh_from_db()
    project.refresh_from_db()
    assert root.status == "pending"
    assert (project.failed_tasks, project.status) == (0, Project.Status.PENDING)


def test_retry_of_a_task_that_is_not_failed_explains_and_changes_nothing(operator, graph):
    _, root, _ = graph
    said = said_after(operator, operator.post(ACTION.format(root.pk, "retry")))
    assert said == [("warning", f"Nothing was done: task #{root.pk} is pending, not failed.")]
    root.refresh_from_db()
    assert root.status == "pending"


def test_release_gives_a_processing_task_back_without_counting_the_attempt(operator, graph):
    _, root, _ = graph
    claimed(root)
    said = said_after(operator, operator.post(ACTION.format(root.pk, "release")))
    assert said == [
        (
            "success",
            f'<a href="{PAGE.format(root.pk)}">Task #{root.pk} (script)</a> released: pending '
            "again, the attempt not counted.",
        )
    ]
    root.refresh_from_db()
    # The last worker stays, for whoever looks at the task next (docs/console.md).
    assert (root.status, root.attempts, root.worker_id) == ("pending", 0, "w1")


def test_fail_asks_for_a_reason(operator, graph):
    _, root, _ = graph
    claimed(root)
    page = operator.get(ACTION.format(root.pk, "fail")).content.decode()
    assert 'name="reason"' in page
    response = operator.post(ACTION.format(root.pk, "fail"), {"reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    root.refresh_from_db()
    assert root.status == "processing"


def test_fail_with_a_reason_fails_for_good_and_the_project_follows(operator, graph):
    project, root, _ = graph
    claimed(root)  # attempts left (1 of 3): a worker's failure would be retried
    response = operator.post(
        ACTION.format(root.pk, "fail"), {"reason": "the <voice> platform is gone"}
    )
    said = said_after(operator, response)
    assert said == [
        (
            "success",
            f'<a href="{PAGE.format(root.pk)}">Task #{root.pk} (script)</a> failed: “the '
            f"&lt;voice&gt; platform is gone”. "
            f'<a href="/admin/projects/project/{project.pk}/change/">Project #{project.pk} '
            "“clip”</a> is failed.",
        )
    ]
    root.refresh_from_db()
    project.refresh_from_db()
    assert (root.status, root.error_message) == ("failed", "the <voice> platform is gone")
    assert root.lease_expires_at is None
    assert (project.failed_tasks, project.status) == (1, Project.Status.FAILED)


def test_fail_a_waiting_task(operator, graph):
    _, _, child = graph
    operator.post(ACTION.format(child.pk, "fail"), {"reason": "not needed"})
    child.refresh_from_db()
    assert (child.status, child.error_message) == ("failed", "not needed")


def test_fail_of_a_completed_task_explains(operator, graph):
    _, root, _ = graph
    task = claimed(root)
    task_update(
        task_id=root.id, actor=worker_actor(), lease_token=task.lease_token, status="completed"
    )
    said = said_after(operator, operator.post(ACTION.format(root.pk, "fail"), {"reason": "x"}))
    assert said == [("warning", f"Nothing was done: task #{root.pk} is completed.")]


def test_the_fail_service_refuses_a_worker_without_the_lease(graph):
    from core.exceptions import ApplicationError

    _, root, _ = graph
    claimed(root)
    with pytest.raises(ApplicationError):
        task_fail(task_id=root.id, actor=worker_actor("another-worker"), reason="mine now")
    root.refresh_from_db()
    assert root.status == "processing"


def test_a_viewer_sees_no_buttons_and_may_not_act(graph):
    _, root, _ = graph
    claimed(root)
    viewer = session_client("watcher", Role.VIEWER)
    assert viewer.get(PAGE.format(root.pk)).status_code == 200
    assert buttons(viewer, root) == []
    for name in ("retry", "release", "fail"):
        assert viewer.post(ACTION.format(root.pk, name), {"reason": "x"}).status_code == 403
    root.refresh_from_db()
    assert root.status == "processing"


def test_a_task_of_a_deleted_project_has_no_buttons(operator, graph):
    project, root, _ = graph
    from projects.services import project_delete

    project_delete(project=project)
    assert buttons(operator, root) == []
