"""Leases: who may act on a claimed task, heartbeats that extend a lease, releases that give
it back, and leases that ran out (`tasks_reclaim_expired`, for those who want it eagerly: the
claim itself takes expired leases over, so nothing needs a cron job).
"""

from django.db import transaction
from django.utils import timezone

from core.actors import Actor
from core.exceptions import ApplicationError
from core.roles import Role
from tasks.models import Task
from tasks.services.lifecycle import Cause, lease_deadline, move

Status = Task.Status


def check_lease(
    task: Task,
    *,
    actor: Actor,
    lease_token: str | None,
    now,
    status: str | None = None,
    changes: dict | None = None,
) -> bool:
    """Refuse a heartbeat, release or report that does not come from the lease's holder.

    A worker names its lease by the `lease_token` of its claim (a fencing token: a worker
    whose lease expired and was taken over still holds the old one, and its late report
    must not overwrite the new attempt's), and the lease must be its own client's. Once the
    task has left processing, a worker may only repeat what it reported: True is returned
    then, and the caller changes nothing. Others (clients, n8n) may act on a task no one
    else holds a live lease on; operators and ShortsGen itself on any.
    """
    if actor.overrides_leases:
        return False
    if actor.role == Role.WORKER:
        if lease_token is None:
            raise ApplicationError(
                "lease_token: A worker acts only on the tasks it holds: send the lease_token "
                "of its claim."
            )
        if lease_token != task.lease_token or task.lease_holder_id != actor.user_id:
            raise _lease_mismatch(task)
        if task.status == Status.PROCESSING:
            return False
        if not _repeats_the_report(task, status, changes or {}):
            raise ApplicationError(
                f"Task {task.id} is {task.status}: the lease of this token has ended, and "
                "only the same report may be sent again; nothing was changed."
            )
        return True
    if lease_token is not None and lease_token != task.lease_token:
        raise _lease_mismatch(task)
    lease_live = (
        task.status == Status.PROCESSING
        and task.lease_expires_at is not None
        and task.lease_expires_at > now
    )
    if lease_live and task.lease_holder_id != actor.user_id:
        raise ApplicationError(
            f"Task {task.id} is leased to {task.worker_id or 'another caller'} until "
            f"{task.lease_expires_at.isoformat()}: only the lease's holder may act on it; "
            "nothing was changed."
        )
    return False


def _repeats_the_report(task: Task, status: str | None, changes: dict) -> bool:
    """Whether a report matches what the ended lease left: its status (a failure with
    attempts left shows as pending, waiting for its retry) and every field it sends."""
    reported = Status.FAILED if task.status == Status.PENDING else task.status
    if status is not None and status != reported:
        return False
    return all(getattr(task, name) == value for name, value in changes.items())


def _lease_mismatch(task: Task) -> ApplicationError:
    return ApplicationError(
        f"lease_token does not match the current lease of task {task.id}: it was claimed "
        "again since (or never with this token); nothing was changed."
    )


def _lock_processing(task_id: int, action: str) -> Task:
    task = Task.objects.select_for_update().filter(id=task_id).first()
    if task is None:
        raise ApplicationError("Task not found", status_code=404)
    if task.status != Status.PROCESSING:
        raise ApplicationError(
            f"Cannot {action} task {task.id}: it is {task.status}, not processing."
        )
    return task


@transaction.atomic
def task_heartbeat(
    *,
    task_id: int,
    actor: Actor,
    lease_token: str | None = None,
    lease_seconds: int | None = None,
) -> Task:
    """Extend the lease of a processing task held by this worker."""
    task = _lock_processing(task_id, "heartbeat")
    now = timezone.now()
    check_lease(task, actor=actor, lease_token=lease_token, now=now)
    task.lease_expires_at = lease_deadline(now, lease_seconds)
    task.save(update_fields=["lease_expires_at", "updated_at"])
    return Task.objects.with_dependency_ids().get(id=task.id)


@transaction.atomic
def task_release(*, task_id: int, actor: Actor, lease_token: str | None = None) -> Task:
    """Give a claimed task back unrun: pending again at once, and the attempt not counted."""
    task = _lock_processing(task_id, "release")
    check_lease(task, actor=actor, lease_token=lease_token, now=timezone.now())
    move([task], cause=Cause.RELEASE, actor=actor)
    return Task.objects.with_dependency_ids().get(id=task.id)


@transaction.atomic
def tasks_reclaim_expired(*, limit: int = 10_000) -> dict[str, int]:
    """Put tasks whose lease ran out back to pending, or fail them when out of attempts."""
    expired = list(
        Task.objects.filter(status=Status.PROCESSING, lease_expires_at__lte=timezone.now())
        .order_by("lease_expires_at", "id")
        .select_for_update(skip_locked=True)[:limit]
    )
    failed = sum(1 for task in expired if task.attempts >= task.max_attempts)
    move(expired, cause=Cause.LEASE_EXPIRED)
    return {"requeued": len(expired) - failed, "failed": failed}
