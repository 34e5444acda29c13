"""Concurrent claims against the real database: real threads, each with its own connection."""

import threading
from collections import Counter

import pytest
from django.db import connection

from core.actors import Actor
from projects.models import Project
from tasks.models import Task
from tasks.services import TaskSpec, tasks_claim, tasks_create
from tasks.testing import worker_actor

THREADS = 16
TASKS = 2000


@pytest.mark.django_db(transaction=True)
def test_each_ready_task_is_handed_out_exactly_once():
    project = Project.objects.create(name="load", project_type="x")
    tasks_create([TaskSpec(project_id=project.id, task_type="render") for _ in range(TASKS)])
    claimed: list[list[int]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    actors = [worker_actor(f"w{slot}") for slot in range(THREADS)]

    def worker(slot: int) -> None:
        try:
            start.wait()
            while tasks := tasks_claim(actor=actors[slot], task_types=["render"]):
                claimed[slot].extend(task.id for task in tasks)
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    handed_out = Counter(task_id for ids in claimed for task_id in ids)
    assert len(handed_out) == TASKS
    assert set(handed_out.values()) == {1}
    assert sum(1 for ids in claimed if ids) > 1  # the work really was shared
    assert not Task.objects.filter(status="pending").exists()
    assert Task.objects.filter(status="processing", attempts=1).count() == TASKS
    holders = Counter(Task.objects.values_list("lease_holder_id", flat=True))
    # Each task's lease is held by the client that claimed it.
    assert holders == Counter({a.user_id: len(claimed[slot]) for slot, a in enumerate(actors)})


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_keep_the_project_counters_exact():
    from tasks.services import task_update

    project = Project.objects.create(name="counters", project_type="x")
    tasks = tasks_create([TaskSpec(project_id=project.id, task_type="t") for _ in range(400)])
    chunks = [tasks[slot::THREADS] for slot in range(THREADS)]
    actor = Actor.system("test")
    errors: list[BaseException] = []

    def worker(chunk) -> None:
        try:
            for task in chunk:
                task_update(task_id=task.id, actor=actor, status=Task.Status.COMPLETED)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    project.refresh_from_db()
    assert (project.total_tasks, project.completed_tasks, project.failed_tasks) == (400, 400, 0)
    assert project.status == "completed"
