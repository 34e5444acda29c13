"""Every change to tasks: creation of graphs, claims, reports, dependencies, re-queues.

Each public function runs in one transaction and leaves three things exact when it returns:
- the DAG invariant: a waiting task never has all its dependencies completed, and a pending
  one has them all (promotion and demotion are set-based UPDATEs, not loops of saves);
- the project's counters (total/completed/failed), moved with F-expressions so that
  concurrent reports never lose an increment;
- the project's status, derived from those counters (`sync_project_statuses`).
"""

import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, OuterRef, Q, Value, When, prefetch_related_objects
from django.utils import timezone

from accounts.models import PlatformAccount
from core import audit
from core.actors import Actor
from core.dag import CycleError, topological_order
from core.exceptions import ApplicationError
from core.roles import Role
from core.transitions import check_transition
from projects.models import Project
from tasks.attempts import attempts_close
from tasks.bookkeeping import (
    _apply_counter_deltas,
    _counted,
    check_lease,
    retry_delay,
    sync_project_statuses,
    task_entry,
)
from tasks.claims import lease_deadline, tasks_claim
from tasks.models import Task, TaskAttempt, TaskDependency, dependency_ids_prefetch

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


# --- creation -------------------------------------------------------------------------------


@transaction.atomic
def tasks_create(specs: Sequence[TaskSpec], *, actor: Actor | None = None) -> list[Task]:
    """Create tasks and their dependency rows, all or nothing; returns them in input order.

    A task created processing gets a lease held by the actor (see `_lease_to`).
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
    for index in order:
        spec = specs[index]
        all_done = all(
            (existing[dep]["status"] if isinstance(dep, int) else status_of[by_key[dep]])
            == Status.COMPLETED
            for dep in spec.dependencies
        )
        if spec.status is None or spec.status in Task.SCHEDULABLE:
            status_of[index] = Status.PENDING if all_done else Status.WAITING
        else:
            status_of[index] = spec.status

    tasks = [_new_task(spec, status_of[index], now) for index, spec in enumerate(specs)]
    for task in tasks:
        if task.status == Status.PROCESSING:
            _lease_to(task, actor, now)
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
        deltas[task.project_id].update(_counted(task.status))
    _apply_counter_deltas(deltas)
    entries = [task_entry(task, "task.create", "", task.status, actor=actor) for task in tasks]
    audit.record_many(entries + sync_project_statuses(deltas.keys()))
    return list(Task.objects.filter(id__in=[t.id for t in tasks]).with_dependency_ids())


def _new_task(spec: TaskSpec, status: str, now) -> Task:
    return Task(
        project_id=spec.project_id,
        task_type=spec.task_type,
        status=status,
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


# --- claims ---------------------------------------------------------------------------------


def task_claim(*, actor: Actor, task_types: Sequence[str], **options) -> Task | None:
    """Hand the best ready task of these types to one worker, or None when there is none."""
    tasks = tasks_claim(actor=actor, task_types=task_types, **options)
    return tasks[0] if tasks else None


# --- reports and edits ----------------------------------------------------------------------


@transaction.atomic
def task_update(
    *,
    task_id: int,
    actor: Actor,
    status: str | None = None,
    lease_token: str | None = None,
    **changes,
) -> Task:
    """Change one task's status and fields (the PATCH of the API and of n8n callbacks)."""
    task = _lock_tasks(Q(id=task_id), not_found="Task not found")[0]
    if _check_leases([task], actor=actor, lease_token=lease_token, status=status, changes=changes):
        return Task.objects.with_dependency_ids().get(id=task.id)  # a repeated report
    dependencies = changes.pop("dependencies", None)
    if dependencies is not None:
        _replace_dependencies(task, dependencies)
        if status is None and task.status in Task.SCHEDULABLE:
            status = task.status  # re-derive waiting/pending against the new dependencies
    _update_locked_tasks([task], status=status, changes=changes, actor=actor)
    # The locked row as written (nothing else changed it): no need to read it again.
    prefetch_related_objects([task], dependency_ids_prefetch())
    return task


@transaction.atomic
def task_fail(*, task_id: int, actor: Actor, reason: str) -> Task:
    """Fail a task for good, with the reason as its error (an operator's decision: unlike a
    worker's failed attempt, it is not retried even with attempts left)."""
    task = _lock_tasks(Q(id=task_id), not_found="Task not found")[0]
    if task.status == Status.FAILED:
        raise ApplicationError(f"Task {task.id} is already failed.")
    changes = {"error_message": reason}
    _check_leases([task], actor=actor, lease_token=None, status=Status.FAILED, changes=changes)
    _update_locked_tasks(
        [task],
        status=Status.FAILED,
        changes=changes,
        actor=actor,
        retry_failed=False,
    )
    return task


@transaction.atomic
def task_update_by_commit_id(
    *,
    commit_id: str,
    actor: Actor,
    status: str | None = None,
    lease_token: str | None = None,
    **changes,
) -> Task:
    """Report on the task that carries this external job id."""
    task = _lock_tasks(Q(commit_id=commit_id), not_found="Task not found")[0]
    if not _check_leases(
        [task], actor=actor, lease_token=lease_token, status=status, changes=changes
    ):
        _update_locked_tasks([task], status=status, changes=changes, actor=actor)
    return Task.objects.with_dependency_ids().get(id=task.id)


@transaction.atomic
def tasks_update_by_commit_ids(
    *,
    commit_ids: Sequence[str] = (),
    task_ids: Sequence[int] = (),
    actor: Actor,
    status: str | None = None,
    lease_token: str | None = None,
    **changes,
) -> list[Task]:
    """Report on many tasks at once (by commit ids and/or task ids), all or nothing; unknown
    ones are a 404 naming them."""
    wanted = list(dict.fromkeys(commit_ids))
    wanted_ids = list(dict.fromkeys(task_ids))
    tasks = _lock_tasks(Q(commit_id__in=wanted) | Q(id__in=wanted_ids), not_found=None)
    missing = [commit_id for commit_id in wanted if commit_id not in {t.commit_id for t in tasks}]
    if missing:
        raise ApplicationError(
            f"Tasks not found for commit_ids: {', '.join(missing)}",
            status_code=404,
            data={"missing_commit_ids": missing},
        )
    missing_ids = [i for i in wanted_ids if i not in {t.id for t in tasks}]
    if missing_ids:
        raise ApplicationError(
            f"Tasks not found: {', '.join(map(str, missing_ids))}",
            status_code=404,
            data={"missing_task_ids": missing_ids},
        )
    repeats = _check_leases(
        tasks, actor=actor, lease_token=lease_token, status=status, changes=changes
    )
    fresh = [task for task in tasks if task.id not in repeats]
    _update_locked_tasks(fresh, status=status, changes=changes, actor=actor)
    return list(Task.objects.filter(id__in=[t.id for t in tasks]).with_dependency_ids())


def _check_leases(
    tasks: list[Task], *, actor: Actor, lease_token: str | None, status: str | None, changes
) -> set[int]:
    """Check every task's lease (on the locked rows: a claim taking a task over cannot slip
    in between); return the ids of those the report merely repeats."""
    now = timezone.now()
    return {
        task.id
        for task in tasks
        if check_lease(
            task, actor=actor, lease_token=lease_token, now=now, status=status, changes=changes
        )
    }


def _lock_tasks(condition: Q, *, not_found: str | None, no_key: bool = False) -> list[Task]:
    # Ordered by id so that two batch reports over overlapping tasks cannot deadlock.
    tasks = list(Task.objects.filter(condition).order_by("id").select_for_update(no_key=no_key))
    if not tasks and not_found:
        raise ApplicationError(not_found, status_code=404)
    return tasks


def _update_locked_tasks(
    tasks: list[Task], *, status: str | None, changes: dict, actor: Actor, retry_failed=True
) -> None:
    if not tasks:
        return
    now = timezone.now()
    if "commit_id" in changes and changes["commit_id"] is not None:
        if len(tasks) > 1:
            raise ApplicationError("commit_id: One commit_id cannot name several tasks.")
        clash = Task.objects.filter(commit_id=changes["commit_id"]).exclude(id=tasks[0].id)
        if clash.exists():
            raise ApplicationError("commit_id: A task with this commit_id already exists.")
    account_id = changes.get("platform_account_id")
    if account_id is not None and not PlatformAccount.objects.filter(id=account_id).exists():
        raise ApplicationError(f"platform_account_id: Platform account {account_id} not found.")

    blocked = set()
    if status in Task.SCHEDULABLE:
        blocked = _ids_with_unfinished_dependencies([t.id for t in tasks])

    deltas: dict[int, Counter] = defaultdict(Counter)
    newly_completed, no_longer_completed, lease_ended = [], [], []
    fields = {"updated_at", *changes}
    entries = []
    for task in tasks:
        old = task.status
        new = old
        before = audit.field_values(task, changes)
        if status is not None:
            check_transition(Task.TRANSITIONS, old, status)
            new = status
            # Waiting or pending is for the dependencies to decide, not the client.
            if status in Task.SCHEDULABLE:
                new = Status.WAITING if task.id in blocked else Status.PENDING
            # A failed attempt with attempts left goes back to the queue after a backoff.
            # (attempts ≥ 1: only a claimed attempt is retried, never an operator's edit.)
            retry = 1 <= task.attempts < task.max_attempts
            if new == Status.FAILED and old == Status.PROCESSING and retry and retry_failed:
                new = Status.PENDING
                task.available_at = now + retry_delay(task.attempts)
                fields.add("available_at")
        task.updated_at = now  # bulk_update does not apply auto_now
        for name, value in changes.items():
            setattr(task, name, value)
        entry = _change_entry(task, old, new, status, audit.changes_between(before, changes), actor)
        if entry is not None:
            entries.append(entry)
        if new == old:
            if old == Status.PROCESSING and _renews_lease(task, actor, now):
                fields.add("lease_expires_at")
            continue
        task.status = new
        fields.add("status")
        _stamp(task, new, now, fields, actor)
        deltas[task.project_id].subtract(_counted(old))
        deltas[task.project_id].update(_counted(new))
        if new == Status.COMPLETED:
            newly_completed.append(task.id)
        elif old == Status.COMPLETED:
            no_longer_completed.append(task.id)
        if old == Status.PROCESSING:
            lease_ended.append(task.id)

    Task.objects.bulk_update(tasks, sorted(fields))
    # After the tasks' UPDATE: a failed attempt keeps the error message the report wrote.
    attempts_close(
        lease_ended,
        outcome=_attempt_outcome(status),
        now=now,
        error_from_task=status == Status.FAILED,
    )
    _promote_dependents(newly_completed, now)
    _demote_dependents(no_longer_completed, now)
    _apply_counter_deltas(deltas)
    # One INSERT for the tasks' entries and their projects' status changes.
    audit.record_many(entries + sync_project_statuses({task.project_id for task in tasks}))


def _change_entry(task: Task, old: str, new: str, requested: str | None, changes: dict, actor):
    """The trail's entry for one task of a report or an edit (None when nothing changed)."""
    if old == new and not changes:
        return None
    reporter = actor is not None and actor.role in (Role.WORKER, Role.N8N)
    if reporter and old == Status.PROCESSING and requested in (Status.COMPLETED, Status.FAILED):
        action = "task.report"  # a failure with attempts left shows as → pending
    elif requested == Status.FAILED and old != Status.FAILED:
        action = "task.fail"  # by an operator or a client, with its reason
    elif old == Status.FAILED and new in Task.SCHEDULABLE:
        action = "task.retry"
    else:
        action = "task.update"
    reason = task.error_message if requested == Status.FAILED else ""
    return task_entry(task, action, old, new, reason=reason, changes=changes, actor=actor)


def _attempt_outcome(status: str) -> str:
    """How a lease ended by a report or an edit asking for this status."""
    if status == Status.COMPLETED:
        return TaskAttempt.Outcome.COMPLETED
    if status == Status.FAILED:
        return TaskAttempt.Outcome.FAILED
    return TaskAttempt.Outcome.REQUEUED


def _stamp(task: Task, new: str, now, fields: set[str], actor: Actor | None) -> None:
    """The timestamps and lease that follow from entering a status."""
    if new == Status.PROCESSING:
        task.started_at = now
        fields.add("started_at")
        _lease_to(task, actor, now)
        fields.update({"worker_id", "lease_token", "lease_holder", "lease_expires_at"})
    else:
        # The lease ends; lease_token stays, so a repeated report of this attempt is known,
        # and worker_id stays, so that people can tell which worker completed or failed it.
        task.lease_expires_at = None
        fields.add("lease_expires_at")
    if new == Status.COMPLETED:
        task.completed_at = now
        fields.add("completed_at")
    elif new in Task.SCHEDULABLE:
        task.completed_at = None
        fields.add("completed_at")


def _renews_lease(task: Task, actor: Actor | None, now) -> bool:
    """A later update by n8n on a processing task it holds extends its lease (n8n has no
    heartbeat: each report it sends is one); the lease of a worker is renewed by its own."""
    if actor is None or actor.role != Role.N8N or task.lease_holder_id != actor.user_id:
        return False
    task.lease_expires_at = lease_deadline(now, None)
    return True


def _lease_to(task: Task, actor: Actor | None, now) -> None:
    """Processing entered by an edit or a callback, not a claim, still has a lease (default
    length, held by whoever did it): a task nobody reports on comes back by itself."""
    task.lease_holder_id = actor.user_id if actor else None
    task.lease_token = secrets.token_hex(16)
    task.lease_expires_at = lease_deadline(now, None)
    task.worker_id = (actor.name if actor else None) or None


def _ids_with_unfinished_dependencies(task_ids: Iterable[int]) -> set[int]:
    return set(
        TaskDependency.objects.filter(task_id__in=task_ids)
        .exclude(depends_on__status=Status.COMPLETED)
        .values_list("task_id", flat=True)
    )


def _promote_dependents(completed_ids: list[int], now) -> None:
    """Waiting tasks whose last unfinished dependency just completed become pending."""
    if not completed_ids:
        return
    unfinished = TaskDependency.objects.filter(task_id=OuterRef("pk")).exclude(
        depends_on__status=Status.COMPLETED
    )
    Task.objects.filter(
        status=Status.WAITING,
        id__in=TaskDependency.objects.filter(depends_on_id__in=completed_ids).values("task_id"),
    ).exclude(Exists(unfinished)).update(status=Status.PENDING, available_at=now, updated_at=now)


def _demote_dependents(reopened_ids: list[int], now) -> None:
    """Pending tasks that depend on a task no longer completed go back to waiting."""
    if not reopened_ids:
        return
    Task.objects.filter(
        status=Status.PENDING,
        id__in=TaskDependency.objects.filter(depends_on_id__in=reopened_ids).values("task_id"),
    ).update(status=Status.WAITING, updated_at=now)


# --- dependencies ---------------------------------------------------------------------------


def _replace_dependencies(task: Task, dependency_ids: Sequence[int]) -> None:
    """Give a task a new set of dependencies: same project, existing, and no cycle."""
    wanted = set(dependency_ids)
    if task.id in wanted:
        raise ApplicationError("dependencies: A task cannot depend on itself.")
    # Locking the project row serialises graph edits of one project, so two concurrent
    # edits cannot each pass the cycle check and together close a loop.
    Project.objects.select_for_update().filter(id=task.project_id).first()
    found = dict(Task.objects.filter(id__in=wanted).values_list("id", "project_id"))
    for dep in sorted(wanted):
        if dep not in found:
            raise ApplicationError(f"dependencies: Task {dep} not found.")
        if found[dep] != task.project_id:
            raise ApplicationError(f"dependencies: Task {dep} belongs to another project.")
    edges = defaultdict(set)
    for task_id, depends_on_id in TaskDependency.objects.filter(
        task__project_id=task.project_id
    ).values_list("task_id", "depends_on_id"):
        edges[task_id].add(depends_on_id)
    # Adding "task after dep" closes a cycle exactly when dep already (transitively) waits
    # for task.
    stack, seen = list(wanted), set()
    while stack:
        current = stack.pop()
        if current == task.id:
            raise ApplicationError("dependencies: These dependencies would create a cycle.")
        if current not in seen:
            seen.add(current)
            stack.extend(edges[current])
    TaskDependency.objects.filter(task=task).exclude(depends_on_id__in=wanted).delete()
    TaskDependency.objects.bulk_create(
        [TaskDependency(task=task, depends_on_id=dep) for dep in wanted - edges[task.id]]
    )


# --- deletion -------------------------------------------------------------------------------


@transaction.atomic
def task_delete(*, task_id: int) -> None:
    """Soft-delete one task; refused (409) while live tasks depend on it.

    A live task depends only on live tasks, so the graph never waits for, nor runs without,
    a task that is gone. Whatever lease the task has ends with it: its worker's next
    heartbeat or report finds no task (404).
    """
    # Lock order, as everywhere: the task, then its project. The project's row serialises
    # the graph's edits (a PATCH of dependencies and a creation take it too), so no
    # dependent can appear between the check below and the commit. NO KEY UPDATE on the
    # task: a PATCH that holds the project and names this task as a dependency checks its
    # foreign key (FOR KEY SHARE) without waiting for us, commits, and is seen below.
    task = _lock_tasks(Q(id=task_id), not_found="Task not found", no_key=True)[0]
    Project.objects.select_for_update(no_key=True).filter(id=task.project_id).first()
    dependents = list(
        TaskDependency.objects.filter(depends_on_id=task.id, task__deleted_at__isnull=True)
        .order_by("task_id")
        .values_list("task_id", flat=True)
    )
    if dependents:
        shown = ", ".join(map(str, dependents[:10]))
        if len(dependents) > 10:
            shown += f" and {len(dependents) - 10} more"
        raise ApplicationError(
            f"Task {task.id} cannot be deleted: tasks depend on it ({shown}). Delete them "
            "first, or remove it from their dependencies; nothing was deleted.",
            status_code=409,
            data={"dependent_task_ids": dependents},
        )
    now = timezone.now()
    if task.status == Status.PROCESSING:
        attempts_close([task.id], outcome=TaskAttempt.Outcome.DELETED, now=now)
    Task.objects.filter(id=task.id).update(deleted_at=now, updated_at=now)
    delta = Counter(total_tasks=-1)
    delta.subtract(_counted(task.status))
    _apply_counter_deltas({task.project_id: delta})
    deleted = task_entry(task, "task.delete", task.status, task.status)
    audit.record_many([deleted, *sync_project_statuses([task.project_id])])


# --- whole graphs ---------------------------------------------------------------------------


def tasks_requeue_project(project: Project) -> None:
    """Put every task of the project back to its start: roots pending, the rest waiting."""
    now = timezone.now()
    tasks = Task.objects.filter(project=project)
    attempts_close(
        tasks.filter(status=Status.PROCESSING).values("id"),
        outcome=TaskAttempt.Outcome.REQUEUED,
        now=now,
    )
    has_dependencies = Exists(TaskDependency.objects.filter(task_id=OuterRef("pk")))
    start = Case(When(has_dependencies, then=Value(Status.WAITING)), default=Value(Status.PENDING))
    before = list(tasks.annotate(start=start).values_list("id", "task_type", "status", "start"))
    tasks.update(
        status=start,
        task_output=None,
        error_message=None,
        # A new run from scratch: the last run's worker and counts stay on its attempts.
        attempts=0,
        worker_id=None,
        # A new run: a worker of the old one holds a token that no longer matches.
        lease_token=None,
        lease_holder=None,
        lease_expires_at=None,
        started_at=None,
        completed_at=None,
        available_at=now,
        updated_at=now,
    )
    Project.all_objects.filter(id=project.id).update(
        total_tasks=len(before), completed_tasks=0, failed_tasks=0, updated_at=now
    )
    audit.record_many(
        task_entry(Task(id=task_id, task_type=task_type), "task.requeue", old, new)
        for task_id, task_type, old, new in before
    )


def project_recount_tasks(project: Project) -> list:
    """Recompute the counters from the live tasks (for repairs after manual database edits);
    return the audit entries of what changed (unsaved, for the caller to record)."""
    counts = Counter(Task.objects.filter(project=project).values_list("status", flat=True))
    counters = {
        "total_tasks": sum(counts.values()),
        "completed_tasks": counts[Status.COMPLETED],
        "failed_tasks": counts[Status.FAILED],
    }
    before = dict(Project.all_objects.filter(id=project.id).values(*counters).get())
    Project.all_objects.filter(id=project.id).update(**counters, updated_at=timezone.now())
    changes = audit.changes_between(before, counters)
    recount = audit.entry(action="project.recount", target=project, changes=changes)
    return [recount, *sync_project_statuses([project.id])]
