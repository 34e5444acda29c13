"""Graph changes racing each other against the real database: real threads, each with its own
connection. Every writer takes its locks in one order (the tasks by id, then their project),
so none of these may deadlock."""

import threading

import pytest
from django.db import connection

from core.actors import Actor
from core.exceptions import ApplicationError
from projects.models import Project
from projects.services import project_delete
from tasks.models import Task, TaskDependency
from tasks.services import TaskSpec, task_delete, task_update, tasks_create

THREADS = 8


def run_together(*jobs) -> list[BaseException]:
    """Run each job in its own thread, started together; return what they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(job) -> None:
        try:
            start.wait()
            job()
        except BaseException as exc:  # reported by the caller; a thread cannot fail a test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_in_one_project_keep_its_counters_exact():
    project = Project.objects.create(name="p", project_type="x")

    def create():
        for _ in range(20):
            tasks_create([TaskSpec(project_id=project.id, task_type="t")])

    assert run_together(*[create] * THREADS) == []
    project.refresh_from_db()
    assert project.total_tasks == THREADS * 20 == Task.objects.count()


@pytest.mark.django_db(transaction=True)
def test_creating_dependents_while_their_dependencies_complete():
    project = Project.objects.create(name="p", project_type="x")
    dependencies = tasks_create([TaskSpec(project_id=project.id, task_type="t")] * 40)
    actor = Actor.system("test")

    def create():
        for dep in dependencies:
            spec = TaskSpec(project_id=project.id, task_type="next", dependencies=[dep.id])
            tasks_create([spec])

    def complete():
        for dep in dependencies:
            task_update(task_id=dep.id, actor=actor, status=Task.Status.COMPLETED)

    assert run_together(create, complete) == []
    # Each dependent saw its dependency either before or after it completed, never between.
    assert set(Task.objects.filter(task_type="next").values_list("status", flat=True)) == {
        Task.Status.PENDING
    }


@pytest.mark.django_db(transaction=True)
def test_a_project_delete_racing_reports_and_creations_deletes_every_task():
    project = Project.objects.create(name="p", project_type="x")
    tasks = tasks_create([TaskSpec(project_id=project.id, task_type="t")] * 60)
    actor = Actor.system("test")

    def complete():
        for task in tasks:
            task_update(task_id=task.id, actor=actor, status=Task.Status.COMPLETED)

    def create():
        for task in tasks[:20]:
            tasks_create([TaskSpec(project_id=project.id, task_type="n", dependencies=[task.id])])

    def delete():
        project_delete(project=project)

    errors = run_together(complete, create, delete)
    # What came after the delete found the tasks or the project gone; nothing deadlocked.
    gone = {"Task not found", f"project_id: Project {project.id} not found."}
    assert all(isinstance(exc, ApplicationError) and exc.message in gone for exc in errors), errors
    assert not Task.objects.filter(project_id=project.id).exists()


@pytest.mark.django_db(transaction=True)
def test_creating_dependents_while_other_tasks_are_pointed_at_the_same_dependencies():
    project = Project.objects.create(name="p", project_type="x")
    roots = tasks_create([TaskSpec(project_id=project.id, task_type="root")] * 40)
    others = tasks_create([TaskSpec(project_id=project.id, task_type="other")] * 40)
    actor = Actor.system("test")

    def create():
        for root in roots:
            spec = TaskSpec(project_id=project.id, task_type="new", dependencies=[root.id])
            tasks_create([spec])

    def repoint():
        for root, other in zip(roots, others, strict=True):
            task_update(task_id=other.id, actor=actor, dependencies=[root.id])

    assert run_together(create, repoint) == []
    assert TaskDependency.objects.count() == 80


@pytest.mark.django_db(transaction=True)
def test_deletes_racing_reports_keep_the_project_counters_exact():
    project = Project.objects.create(name="p", project_type="x")
    tasks = tasks_create([TaskSpec(project_id=project.id, task_type="t")] * 120)
    actor = Actor.system("test")
    refused: list[str] = []

    def complete(chunk):
        for task in chunk:
            try:
                task_update(task_id=task.id, actor=actor, status=Task.Status.COMPLETED)
            except ApplicationError as exc:  # deleted first
                refused.append(exc.message)

    def delete(chunk):
        for task in chunk:
            task_delete(task_id=task.id)

    # Every third task is deleted while the others complete, the two interleaved.
    jobs = [lambda c=tasks[s::4]: complete(c) for s in range(4)]
    jobs.append(lambda: delete(tasks[::3]))
    assert run_together(*jobs) == []
    assert set(refused) <= {"Task not found"}
    live = Task.objects.filter(project=project)
    project.refresh_from_db()
    assert (
        (project.total_tasks, project.completed_tasks, project.failed_tasks)
        == (
            live.count(),
            live.filter(status=Task.Status.COMPLETED).count(),
            0,
        )
        == (80, 80, 0)
    )
    assert project.status == "completed"


@pytest.mark.django_db(transaction=True)
def test_a_delete_racing_new_dependents_never_leaves_one_waiting_for_a_deleted_task():
    project = Project.objects.create(name="p", project_type="x")
    roots = tasks_create([TaskSpec(project_id=project.id, task_type="root")] * 40)
    others = tasks_create([TaskSpec(project_id=project.id, task_type="other")] * 40)
    actor = Actor.system("test")
    refusals: list[str] = []

    def attempt(service, **kwargs) -> None:
        try:
            service(**kwargs)
        except ApplicationError as exc:
            refusals.append(exc.message)

    def delete():
        for root in roots:
            attempt(task_delete, task_id=root.id)

    def create():
        for root in roots:
            spec = TaskSpec(project_id=project.id, task_type="new", dependencies=[root.id])
            attempt(tasks_create, specs=[spec])

    def repoint():
        for root, other in zip(roots, others, strict=True):
            attempt(task_update, task_id=other.id, actor=actor, dependencies=[root.id])

    assert run_together(delete, create, repoint) == []
    assert (
        TaskDependency.objects.filter(task__deleted_at__isnull=True)
        .exclude(depends_on__deleted_at__isnull=True)
        .count()
        == 0
    )
    assert all(
        "cannot be deleted: tasks depend on it" in message or message.endswith(" not found.")
        for message in refusals
    ), refusals
    assert refusals  # the race really ran both ways


@pytest.mark.django_db(transaction=True)
def test_the_last_two_dependencies_completing_together_promote_their_dependent():
    # Each completion's promotion reads the other dependency as it was when its statement
    # began: without a lock both could see the other unfinished and leave the join waiting.
    project = Project.objects.create(name="p", project_type="x")
    actor = Actor.system("test")
    joins = []
    for _ in range(THREADS * 4):
        first, second = tasks_create([TaskSpec(project_id=project.id, task_type="t")] * 2)
        [join] = tasks_create(
            [TaskSpec(project_id=project.id, task_type="join", dependencies=[first.id, second.id])]
        )
        joins.append((first.id, second.id, join.id))

    def complete(position: int):
        def run():
            for pair in joins:
                task_update(task_id=pair[position], actor=actor, status=Task.Status.COMPLETED)

        return run

    assert run_together(complete(0), complete(1)) == []
    statuses = Task.objects.filter(id__in=[join for *_, join in joins]).values_list("status")
    assert {status for (status,) in statuses} == {Task.Status.PENDING}


@pytest.mark.django_db(transaction=True)
def test_a_worker_completing_a_task_while_a_dependent_of_it_is_created(monkeypatch):
    # The creation holds the dependency locked until it commits; the worker's completion
    # starts meanwhile. Had it waited inside its one statement, that statement's snapshot
    # (taken before the wait) would not hold the new dependent, and the dependent would have
    # waited for good. It does not wait: it leaves the contended task to the general path.
    from tasks.services import creation, tasks_claim_with_payloads
    from tasks.testing import worker_actor

    project = Project.objects.create(name="p", project_type="x")
    [dependency] = tasks_create([TaskSpec(project_id=project.id, task_type="t")])
    worker = worker_actor()
    [held], _ = tasks_claim_with_payloads(actor=worker, task_types=["t"])
    locked, go = threading.Event(), threading.Event()
    lock_projects = creation._lock_projects

    def pause_holding_the_dependency(specs):
        locked.set()
        assert go.wait(timeout=30)
        return lock_projects(specs)

    monkeypatch.setattr(creation, "_lock_projects", pause_holding_the_dependency)
    created = []

    def create():
        spec = TaskSpec(project_id=project.id, task_type="next", dependencies=[dependency.id])
        created.extend(tasks_create([spec]))

    def complete():
        assert locked.wait(timeout=30)
        report = threading.Timer(0.5, go.set)  # the report is under way, then the creation goes
        report.start()
        completed = Task.Status.COMPLETED
        task_update(task_id=held.id, actor=worker, status=completed, lease_token=held.lease_token)

    assert run_together(create, complete) == []
    [dependent] = Task.objects.filter(id__in=[task.id for task in created])
    assert (dependent.status, dependent.unfinished_dependencies) == (Task.Status.PENDING, 0)


@pytest.mark.django_db(transaction=True)
def test_a_worker_completing_a_task_while_an_edit_makes_another_depend_on_it(monkeypatch):
    # The edit counts the new dependency as unfinished and, until it commits, holds it
    # locked: the completion waits for it (the general path), then counts it off.
    from tasks.services import reports, tasks_claim_with_payloads
    from tasks.testing import worker_actor

    project = Project.objects.create(name="p", project_type="x")
    specs = [TaskSpec(project_id=project.id, task_type=name) for name in ("t", "n")]
    dependency, dependent = tasks_create(specs)
    worker = worker_actor()
    [held], _ = tasks_claim_with_payloads(actor=worker, task_types=["t"])
    counted, go = threading.Event(), threading.Event()
    check_references = reports._check_references

    def pause_before_commit(tasks, changes):
        counted.set()
        assert go.wait(timeout=30)
        return check_references(tasks, changes)

    monkeypatch.setattr(reports, "_check_references", pause_before_commit)

    def edit():
        task_update(task_id=dependent.id, actor=Actor.system("test"), dependencies=[dependency.id])

    def complete():
        assert counted.wait(timeout=30)
        threading.Timer(0.5, go.set).start()  # the report is under way, then the edit commits
        completed = Task.Status.COMPLETED
        task_update(task_id=held.id, actor=worker, status=completed, lease_token=held.lease_token)

    assert run_together(edit, complete) == []
    dependent.refresh_from_db()
    assert (dependent.status, dependent.unfinished_dependencies) == (Task.Status.PENDING, 0)
