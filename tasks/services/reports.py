"""Reports and edits: a worker's or n8n's outcome, a client's or an operator's change, on one
task or many. Each locks the tasks (by id, so that overlapping batches cannot deadlock),
checks the leases, and hands the change to the lifecycle (`lifecycle.move`).
"""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone

from accounts.models import PlatformAccount
from core.actors import Actor
from core.exceptions import ApplicationError
from core.model_update import check_updatable
from tasks.models import Task, dependency_ids_prefetch
from tasks.services import completion_statement
from tasks.services.graph import replace_dependencies
from tasks.services.leases import check_lease
from tasks.services.lifecycle import Cause, move
from tasks.services.locks import lock_tasks

Status = Task.Status

# What a report or an edit may change beside the status; the rest (the graph's project and
# type, the lease, the counters of attempts, the timestamps) belongs to the lifecycle.
TASK_UPDATABLE_FIELDS = (
    "task_input",
    "task_output",
    "platform_account_id",
    "platform",
    "commit_id",
    "error_message",
    "priority",
    "max_attempts",
    "dependencies",
)


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
    done = completion_statement.complete_if_it_applies(
        [task_id], actor=actor, status=status, lease_token=lease_token, changes=changes
    )
    if done:
        return done[0]
    task = _lock_one(Q(id=task_id), status=status, changes=changes)
    if _repeated([task], actor=actor, lease_token=lease_token, status=status, changes=changes):
        return Task.objects.with_dependency_ids().get(id=task.id)
    dependencies = changes.pop("dependencies", None)
    if dependencies is not None:
        replace_dependencies(task, dependencies)
        if status is None and task.status in Task.SCHEDULABLE:
            status = task.status  # re-derive waiting/pending against the new dependencies
    # Read before the move, whose last statements lock the project's row: completions of one
    # project queue on that row for as little as possible. The locked row is then answered
    # as written (nothing else changed it), without reading it again.
    prefetch_related_objects([task], dependency_ids_prefetch())
    _check_references([task], changes)
    move([task], cause=Cause.REPORT, status=status, changes=changes, actor=actor)
    return task


@transaction.atomic
def task_fail(*, task_id: int, actor: Actor, reason: str) -> Task:
    """Fail a task for good, with the reason as its error (an operator's decision: unlike a
    worker's failed attempt, it is not retried even with attempts left)."""
    task = lock_tasks(Q(id=task_id), not_found="Task not found")[0]
    if task.status == Status.FAILED:
        raise ApplicationError(f"Task {task.id} is already failed.")
    changes = {"error_message": reason}
    _repeated([task], actor=actor, lease_token=None, status=Status.FAILED, changes=changes)
    move([task], cause=Cause.FAIL, status=Status.FAILED, changes=changes, actor=actor)
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
    task = _lock_one(Q(commit_id=commit_id), status=status, changes=changes)
    if not _repeated([task], actor=actor, lease_token=lease_token, status=status, changes=changes):
        _check_references([task], changes)
        move([task], cause=Cause.REPORT, status=status, changes=changes, actor=actor)
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
    check_updatable(model=Task, fields=TASK_UPDATABLE_FIELDS, data=changes)
    if not commit_ids:
        done = completion_statement.complete_if_it_applies(
            list(task_ids), actor=actor, status=status, lease_token=lease_token, changes=changes
        )
        if done:
            return done
    wanted = list(dict.fromkeys(commit_ids))
    wanted_ids = list(dict.fromkeys(task_ids))
    wanted_q = Q(commit_id__in=wanted) | Q(id__in=wanted_ids)
    tasks = lock_tasks(wanted_q, not_found=None, completing=status == Status.COMPLETED)
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
    repeats = _repeated(tasks, actor=actor, lease_token=lease_token, status=status, changes=changes)
    fresh = [task for task in tasks if task.id not in repeats]
    _check_references(fresh, changes)
    move(fresh, cause=Cause.REPORT, status=status, changes=changes, actor=actor)
    return list(Task.objects.filter(id__in=[t.id for t in tasks]).with_dependency_ids())


def _lock_one(condition: Q, *, status: str | None, changes: dict) -> Task:
    """The one task a report names, locked, with its dependents when it completes and with
    the dependencies it is given (see `locks.lock_tasks`)."""
    check_updatable(model=Task, fields=TASK_UPDATABLE_FIELDS, data=changes)
    completing = status == Status.COMPLETED
    also = changes.get("dependencies") or ()
    return lock_tasks(condition, not_found="Task not found", completing=completing, also=also)[0]


def _repeated(
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


def _check_references(tasks: list[Task], changes: dict) -> None:
    """A new commit_id must be free and name one task; a new account must exist."""
    if not tasks:
        return
    if changes.get("commit_id") is not None:
        if len(tasks) > 1:
            raise ApplicationError("commit_id: One commit_id cannot name several tasks.")
        clash = Task.objects.filter(commit_id=changes["commit_id"]).exclude(id=tasks[0].id)
        if clash.exists():
            raise ApplicationError("commit_id: A task with this commit_id already exists.")
    account_id = changes.get("platform_account_id")
    if account_id is not None and not PlatformAccount.objects.filter(id=account_id).exists():
        raise ApplicationError(f"platform_account_id: Platform account {account_id} not found.")
