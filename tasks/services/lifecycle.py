"""The task lifecycle: every status change of existing tasks goes through `move`.

A report or an edit, an operator's fail, a release, a lease that ran out, a project starting
over: each is a `Cause`, and `move` applies to locked rows everything that follows from it, in
one place — the status (the dependencies decide between waiting and pending; a failed attempt
with attempts left is retried after a backoff), timestamps, lease fields, attempts, the
attempt records, the dependents' promotion or demotion, the project's counters and derived
status, and the audit trail. The claim's own change (pending → processing) stays in
`claims`: it is the hot path and is written set-based there.
"""

import enum
import secrets
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.roles import Role
from core.transitions import check_transition
from tasks.models import Task, TaskAttempt, TaskDependency
from tasks.services.progress import counted, move_progress, restart_progress
from tasks.services.promotion import (
    demote_dependents,
    ids_with_unfinished_dependencies,
    promote_dependents,
    recount_unfinished_dependencies,
)
from tasks.services.records import LEASE_EXPIRED_MESSAGE, attempts_close, task_entry

Status = Task.Status
Outcome = TaskAttempt.Outcome

LEASE_EXPIRED_FOR_GOOD = "Lease expired on the last attempt; the worker did not report."


class Cause(enum.StrEnum):
    REPORT = "report"  # a report or an edit (API, console, n8n): failed attempts are retried
    FAIL = "fail"  # an operator's or a client's decision: failed for good, never retried
    RELEASE = "release"  # given back unrun by its holder: pending at once, attempt not counted
    LEASE_EXPIRED = "lease_expired"  # the worker went silent: retried while attempts are left
    REQUEUE = "requeue"  # the project starts over: roots pending, the rest waiting


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the `attempts`-th failed attempt: base * 2**(attempts-1),
    capped (settings TASK_RETRY_BACKOFF_BASE_SECONDS and TASK_RETRY_BACKOFF_MAX_SECONDS)."""
    base = settings.TASK_RETRY_BACKOFF_BASE_SECONDS
    cap = settings.TASK_RETRY_BACKOFF_MAX_SECONDS
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def lease_deadline(now, lease_seconds: int | None):
    return now + timedelta(seconds=lease_seconds or settings.TASK_DEFAULT_LEASE_SECONDS)


def lease_to(task: Task, actor: Actor | None, now) -> None:
    """Processing entered by an edit or a callback, not a claim, still has a lease (default
    length, held by whoever did it): a task nobody reports on comes back by itself."""
    task.lease_holder_id = actor.user_id if actor else None
    task.lease_token = secrets.token_hex(16)
    task.lease_expires_at = lease_deadline(now, None)
    task.worker_id = (actor.name if actor else None) or None


def move(
    tasks: list[Task],
    *,
    cause: Cause,
    status: str | None = None,
    changes: dict | None = None,
    actor: Actor | None = None,
) -> None:
    """Move locked tasks as `cause` (and, for reports and edits, the requested `status` and
    field `changes`) asks, and record it; one statement per kind of write, whatever the number
    of tasks. An impossible transition raises before anything is written."""
    if not tasks:
        return
    now = timezone.now()
    changes = changes or {}
    blocked = _blocked_ids(tasks, cause, status)
    targets = {task.id: _target(task, cause, status, blocked) for task in tasks}
    leaving = [t.id for t in tasks if t.status == Status.PROCESSING != targets[t.id]]
    if cause is Cause.LEASE_EXPIRED:  # dated at the lease's end, so before the lease is cleared
        _close_attempts(leaving, cause, status, now)
    fields = {"updated_at", *changes}
    deltas = {task.project_id: Counter() for task in tasks}
    completed, reopened, entries = [], [], []
    for task in tasks:
        old, new = task.status, targets[task.id]
        entry = _apply(task, new, cause, status, changes, actor, now, fields)
        if entry is not None:
            entries.append(entry)
        if new == old:
            continue
        deltas[task.project_id].subtract(counted(old))
        deltas[task.project_id].update(counted(new))
        if new == Status.COMPLETED:
            completed.append(task.id)
        elif old == Status.COMPLETED:
            reopened.append(task.id)
    _write(tasks, sorted(fields))
    if cause is not Cause.LEASE_EXPIRED:  # after the UPDATE: a failure keeps its report's message
        _close_attempts(leaving, cause, status, now)
    promote_dependents(completed, now)
    demote_dependents(reopened, now)
    if cause is Cause.REQUEUE:
        # Counted afresh, not moved: counters an edit of the database left wrong are mended
        # too. The status is its own service's (a regenerate sets it), not derived.
        restart_progress(Counter(task.project_id for task in tasks))
        recount_unfinished_dependencies(Task.all_objects.filter(id__in=[t.id for t in tasks]))
    else:
        entries += move_progress(deltas)
    audit.record_many(entries)  # one INSERT for the tasks and their projects


def _write(tasks: list[Task], fields: list[str]) -> None:
    """One UPDATE for the moved rows: a plain one for a single task (a report, the hot path:
    bulk_update's CASE per field costs more to build than the statement costs to run)."""
    if len(tasks) == 1:
        [task] = tasks
        attnames = [Task._meta.get_field(name).attname for name in fields]
        Task.objects.filter(id=task.id).update(**{a: getattr(task, a) for a in attnames})
    else:
        Task.objects.bulk_update(tasks, fields)


def _blocked_ids(tasks: list[Task], cause: Cause, status: str | None) -> set[int]:
    """The tasks that must wait: with unfinished dependencies, or any at all when the whole
    project starts over (none of them is completed any more)."""
    ids = [task.id for task in tasks]
    if cause is Cause.REQUEUE:
        return set(TaskDependency.objects.filter(task_id__in=ids).values_list("task_id", flat=True))
    if status in Task.SCHEDULABLE:
        return ids_with_unfinished_dependencies(tasks)
    return set()


def _target(task: Task, cause: Cause, status: str | None, blocked: set[int]) -> str:
    old = task.status
    if cause is Cause.RELEASE:
        return Status.PENDING
    if cause is Cause.LEASE_EXPIRED:
        return Status.PENDING if task.attempts < task.max_attempts else Status.FAILED
    if cause is not Cause.REQUEUE:
        if status is None:
            return old
        check_transition(Task.TRANSITIONS, old, status)
    # Waiting or pending is for the dependencies to decide, not the client.
    if cause is Cause.REQUEUE or status in Task.SCHEDULABLE:
        return Status.WAITING if task.id in blocked else Status.PENDING
    if _retries(task, cause, status):
        return Status.PENDING
    return status


def _retries(task: Task, cause: Cause, status: str | None) -> bool:
    """A failed attempt with attempts left goes back to the queue after a backoff (attempts
    ≥ 1: only a claimed attempt is retried, never an operator's edit)."""
    return (
        cause is Cause.REPORT
        and status == Status.FAILED
        and task.status == Status.PROCESSING
        and 1 <= task.attempts < task.max_attempts
    )


def _apply(task, new, cause, status, changes, actor, now, fields: set[str]):
    """Write one task's move into the row (not saved yet); return its audit entry or None."""
    old = task.status
    before = audit.field_values(task, changes)
    for name, value in changes.items():
        setattr(task, name, value)
    entry = _entry(task, old, new, cause, status, audit.changes_between(before, changes), actor)
    task.updated_at = now  # an UPDATE does not apply auto_now
    if _retries(task, cause, status):
        task.available_at = now + retry_delay(task.attempts)
        fields.add("available_at")
    if new == old and cause is not Cause.REQUEUE:
        if old == Status.PROCESSING and _renews_lease(task, actor, now):
            fields.add("lease_expires_at")
        return entry
    task.status = new
    fields.update(_stamp(task, new, cause, actor, now))
    return entry


def _stamp(task: Task, new: str, cause: Cause, actor: Actor | None, now) -> set[str]:
    """The timestamps and lease that follow from entering `new`; returns the fields written."""
    fields = {"status", "lease_expires_at"}
    if new == Status.PROCESSING:
        task.started_at = now
        lease_to(task, actor, now)
        fields.update({"started_at", "worker_id", "lease_token", "lease_holder"})
    else:
        # The lease ends; lease_token stays, so a repeated report of this attempt is known,
        # and worker_id stays, so that people can tell which worker completed or failed it.
        task.lease_expires_at = None
    if new == Status.COMPLETED:
        task.completed_at = now
        fields.add("completed_at")
    elif new in Task.SCHEDULABLE:
        task.completed_at = None
        fields.add("completed_at")
    if new == Status.FAILED and cause is Cause.LEASE_EXPIRED:
        task.error_message = LEASE_EXPIRED_FOR_GOOD
        fields.add("error_message")
    if new in Task.SCHEDULABLE and cause in (Cause.RELEASE, Cause.LEASE_EXPIRED, Cause.REQUEUE):
        fields.update(_back_to_the_queue(task, cause, now))
    return fields


def _back_to_the_queue(task: Task, cause: Cause, now) -> set[str]:
    """What a task given back, taken back or started over resets; returns the fields."""
    task.started_at = None
    task.available_at = now
    fields = {"started_at", "available_at"}
    if cause is Cause.RELEASE:
        # Not counted; never below 0: a task put in processing by an edit counted none.
        task.attempts = max(0, task.attempts - 1)
        fields.add("attempts")
    elif cause is Cause.REQUEUE:
        task.task_output = task.error_message = None
        # A new run from scratch: the last run's worker and counts stay on its attempts, and a
        # worker of the old run holds a lease token that no longer matches.
        task.attempts = 0
        task.worker_id = task.lease_token = task.lease_holder_id = None
        fields.update(
            {"task_output", "error_message", "attempts", "worker_id", "lease_token", "lease_holder"}
        )
    return fields


def _renews_lease(task: Task, actor: Actor | None, now) -> bool:
    """A later update by n8n on a processing task it holds extends its lease (n8n has no
    heartbeat: each report it sends is one); the lease of a worker is renewed by its own."""
    if actor is None or actor.role != Role.N8N or task.lease_holder_id != actor.user_id:
        return False
    task.lease_expires_at = lease_deadline(now, None)
    return True


def _entry(task, old, new, cause, requested, changes, actor):
    """The trail's entry for one task's move (None when a report changed nothing)."""
    worker = task.worker_id or "unnamed"
    if cause is Cause.RELEASE:
        reason = f"worker {worker}; the attempt is not counted"
        return task_entry(task, "task.release", old, new, reason=reason, actor=actor)
    if cause is Cause.LEASE_EXPIRED:
        if new == Status.FAILED:
            reason = f"{LEASE_EXPIRED_FOR_GOOD} (worker {worker})"
        else:
            reason = f"Lease expired (worker {worker}); back to the queue."
        return task_entry(task, "task.lease_expired", old, new, reason=reason, actor=actor)
    if cause is Cause.REQUEUE:
        return task_entry(task, "task.requeue", old, new, actor=actor)
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


def _close_attempts(task_ids: list[int], cause: Cause, status: str | None, now) -> None:
    """Close the attempts of the leases this move ends, with how each ended."""
    if cause is Cause.LEASE_EXPIRED:
        attempts_close(
            task_ids,
            outcome=Outcome.LEASE_EXPIRED,
            now=now,
            error_message=LEASE_EXPIRED_MESSAGE,
            at_lease_expiry=True,
        )
    elif cause is Cause.RELEASE:
        attempts_close(task_ids, outcome=Outcome.RELEASED, now=now)
    elif status == Status.COMPLETED:
        attempts_close(task_ids, outcome=Outcome.COMPLETED, now=now)
    elif status == Status.FAILED:
        attempts_close(task_ids, outcome=Outcome.FAILED, now=now, error_from_task=True)
    else:
        attempts_close(task_ids, outcome=Outcome.REQUEUED, now=now)
