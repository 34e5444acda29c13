"""Creating tasks: whole graphs or single tasks, with dependencies on existing tasks (by id)
and on each other (by key), all or nothing."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import PlatformAccount
from core import audit
from core.actors import Actor
from core.dag import CycleError, topological_order
from core.exceptions import ApplicationError
from projects.models import Project
from tasks.models import Task, TaskDependency
from tasks.services.lifecycle import lease_to
from tasks.services.progress import counted, move_progress
from tasks.services.records import task_entry

Status = Task.Status


@dataclass
class TaskSpec:
    """A task to create. `dependencies` holds ids of existing tasks and, inside a batch, the
    string keys of other specs of the same batch. `label` prefixes error messages
    ("tasks[2]") so that the client knows which entry was refused."""

    project_id: int
    task_type: str
    key: str | None = None
    dependencies: Sequence[int | str] = ()
    status: str | None = None
    task_input: dict = field(default_factory=dict)
    task_output: dict | None = None
    platform_account_id: int | None = None
    platform: str | None = None
    commit_id: str | None = None
    error_message: str | None = None
    priority: int = 0
    max_attempts: int = 1
    label: str = ""

    def error(self, field_name: str, message: str) -> ApplicationError:
        prefix = f"{self.label}." if self.label else ""
        return ApplicationError(f"{prefix}{field_name}: {message}")


@transaction.atomic
def tasks_create(specs: Sequence[TaskSpec], *, actor: Actor | None = None) -> list[Task]:
    """Create tasks and their dependency rows, all or nothing; returns them in input order.

    A task created processing gets a lease held by the actor (see `lifecycle.lease_to`).
    """
    if not specs:
        return []
    now = timezone.now()
    # Lock order, as reports and claims take it: the tasks (by id), then their project.
    existing = _lock_existing_dependencies(specs)
    _lock_projects(specs)
    _check_accounts_exist(specs)
    _check_commit_ids_free(specs)
    by_key = _index_by_key(specs)
    _check_existing_dependencies(specs, existing)
    order = _topological_order(specs, by_key)

    status_of: dict[int, str] = {}  # index in specs -> status to create with
    unfinished_of: dict[int, int] = {}  # index in specs -> dependencies not completed
    for index in order:
        spec = specs[index]
        unfinished_of[index] = sum(
            (existing[dep]["status"] if isinstance(dep, int) else status_of[by_key[dep]])
            != Status.COMPLETED
            for dep in dict.fromkeys(spec.dependencies)
        )
        if spec.status is None or spec.status in Task.SCHEDULABLE:
            status_of[index] = Status.WAITING if unfinished_of[index] else Status.PENDING
        else:
            status_of[index] = spec.status

    tasks = [
        _new_task(spec, status_of[index], unfinished_of[index], now)
        for index, spec in enumerate(specs)
    ]
    for task in tasks:
        if task.status == Status.PROCESSING:
            lease_to(task, actor, now)
    try:
        Task.objects.bulk_create(tasks)
    except IntegrityError:
        # Another request took a commit_id between our check and the insert.
        raise ApplicationError("commit_id: A task with this commit_id already exists.") from None

    links = []
    for task, spec in zip(tasks, specs, strict=True):
        for dep in dict.fromkeys(spec.dependencies):
            depends_on_id = dep if isinstance(dep, int) else tasks[by_key[dep]].id
            links.append(TaskDependency(task_id=task.id, depends_on_id=depends_on_id))
    TaskDependency.objects.bulk_create(links)

    deltas: dict[int, Counter] = defaultdict(Counter)
    for task in tasks:
        deltas[task.project_id]["total_tasks"] += 1
        deltas[task.project_id].update(counted(task.status))
    entries = [task_entry(task, "task.create", "", task.status, actor=actor) for task in tasks]
    audit.record_many(entries + move_progress(deltas))
    return list(Task.objects.filter(id__in=[t.id for t in tasks]).with_dependency_ids())


def _new_task(spec: TaskSpec, status: str, unfinished_dependencies: int, now) -> Task:
    return Task(
        project_id=spec.project_id,
        task_type=spec.task_type,
        status=status,
        unfinished_dependencies=unfinished_dependencies,
        task_input=spec.task_input or {},
        task_output=spec.task_output,
        platform_account_id=spec.platform_account_id,
        platform=spec.platform,
        commit_id=spec.commit_id,
        error_message=spec.error_message,
        priority=spec.priority,
        max_attempts=spec.max_attempts,
        available_at=now,
        created_at=now,
        started_at=now if status in (Status.PROCESSING, Status.COMPLETED) else None,
        completed_at=now if status == Status.COMPLETED else None,
    )


def _lock_projects(specs: Sequence[TaskSpec]) -> None:
    """The projects must exist, and stay so until we commit: the row lock makes a concurrent
    project delete wait, so its soft delete of the tasks sees ours; a delete that committed
    first leaves nothing to lock ("not found").

    FOR NO KEY UPDATE, not FOR SHARE: the counters' UPDATE needs that lock anyway, and two
    creations that each held a share lock deadlocked upgrading it. (SQLite's IMMEDIATE
    transactions already hold the database's write lock.)"""
    wanted = sorted({spec.project_id for spec in specs})
    found = set(
        Project.objects.filter(id__in=wanted)
        .order_by("id")
        .select_for_update(no_key=True)
        .values_list("id", flat=True)
    )
    for spec in specs:
        if spec.project_id not in found:
            raise spec.error("project_id", f"Project {spec.project_id} not found.")


def _check_accounts_exist(specs: Sequence[TaskSpec]) -> None:
    wanted = {spec.platform_account_id for spec in specs} - {None}
    if not wanted:
        return
    found = set(PlatformAccount.objects.filter(id__in=wanted).values_list("id", flat=True))
    for spec in specs:
        if spec.platform_account_id is not None and spec.platform_account_id not in found:
            raise spec.error(
                "platform_account_id", f"Platform account {spec.platform_account_id} not found."
            )


def _check_commit_ids_free(specs: Sequence[TaskSpec]) -> None:
    seen: set[str] = set()
    for spec in specs:
        if spec.commit_id is None:
            continue
        if spec.commit_id in seen:
            raise spec.error("commit_id", f"commit_id {spec.commit_id!r} appears twice.")
        seen.add(spec.commit_id)
    taken = set(Task.objects.filter(commit_id__in=seen).values_list("commit_id", flat=True))
    for spec in specs:
        if spec.commit_id in taken:
            raise spec.error("commit_id", "A task with this commit_id already exists.")


def _index_by_key(specs: Sequence[TaskSpec]) -> dict[str, int]:
    by_key: dict[str, int] = {}
    for index, spec in enumerate(specs):
        if spec.key is None:
            continue
        if spec.key in by_key:
            raise spec.error("key", f"Key {spec.key!r} is used by more than one task.")
        by_key[spec.key] = index
    for spec in specs:
        for dep in spec.dependencies:
            if isinstance(dep, str):
                if dep not in by_key:
                    raise spec.error("dependencies", f"No task with key {dep!r} in this request.")
                if specs[by_key[dep]].project_id != spec.project_id:
                    raise spec.error("dependencies", f"Task {dep!r} belongs to another project.")
    return by_key


def _lock_existing_dependencies(specs: Sequence[TaskSpec]) -> dict[int, dict]:
    """Read (and lock) the existing tasks the new ones depend on.

    The lock matters: a dependency completing concurrently would otherwise run its promotion
    before our insert commits and leave the new task waiting for good. FOR NO KEY UPDATE
    still keeps reports out, but not the foreign-key check (FOR KEY SHARE) of a PATCH that
    names the same dependency while it holds the project we wait for: no deadlock.
    """
    wanted = {dep for spec in specs for dep in spec.dependencies if isinstance(dep, int)}
    if not wanted:
        return {}
    return {
        row["id"]: row
        for row in Task.objects.filter(id__in=wanted)
        .order_by("id")
        .select_for_update(no_key=True)
        .values("id", "project_id", "status")
    }


def _check_existing_dependencies(specs: Sequence[TaskSpec], rows: dict[int, dict]) -> None:
    for spec in specs:
        for dep in spec.dependencies:
            if not isinstance(dep, int):
                continue
            if dep not in rows:
                raise spec.error("dependencies", f"Task {dep} not found.")
            if rows[dep]["project_id"] != spec.project_id:
                raise spec.error("dependencies", f"Task {dep} belongs to another project.")


def _topological_order(specs: Sequence[TaskSpec], by_key: dict[str, int]) -> list[int]:
    """Order the specs so that each comes after the specs it depends on; refuse cycles.

    Existing tasks never depend on new ones, so a cycle can only run through the request.
    """
    parents = {
        index: [by_key[dep] for dep in spec.dependencies if isinstance(dep, str)]
        for index, spec in enumerate(specs)
    }
    try:
        return topological_order(range(len(specs)), parents)
    except CycleError as exc:
        keys = ", ".join(repr(specs[index].key) for index in exc.stuck)
        raise specs[exc.stuck[0]].error(
            "dependencies", f"Dependency cycle among tasks {keys}."
        ) from None
