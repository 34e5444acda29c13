import pytest

from core.actors import Actor
from projects.models import Project
from tasks.models import Task
from tasks.services import (
    TaskSpec,
    task_update,
    task_update_by_commit_id,
    tasks_create,
    tasks_update_by_commit_ids,
)

OPERATOR = Actor.system("test")


@pytest.fixture
def task(db):
    project = Project.objects.create(name="p", project_type="x")
    [task] = tasks_create([TaskSpec(project_id=project.id, task_type="t", commit_id="job-1")])
    return task


def test_task_update_refuses_the_lifecycles_fields(task):
    with pytest.raises(TypeError, match="attempts"):
        task_update(task_id=task.id, actor=OPERATOR, priority=9, attempts=0)
    task.refresh_from_db()
    assert (task.priority, task.attempts) == (0, 0)


def test_task_update_refuses_another_project(task):
    with pytest.raises(TypeError, match="project_id"):
        task_update(task_id=task.id, actor=OPERATOR, project_id=task.project_id + 1)
    assert Task.objects.get(id=task.id).project_id == task.project_id


def test_reports_by_commit_id_refuse_the_lease_fields(task):
    with pytest.raises(TypeError, match="lease_expires_at"):
        task_update_by_commit_id(commit_id="job-1", actor=OPERATOR, lease_expires_at=None)
    with pytest.raises(TypeError, match="worker_id"):
        tasks_update_by_commit_ids(commit_ids=["job-1"], actor=OPERATOR, worker_id="w")
    assert Task.objects.get(id=task.id).worker_id is None
