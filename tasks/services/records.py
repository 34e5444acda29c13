"""The records of what happened to tasks: their attempts (`TaskAttempt`, one per lease) and
their audit entries.

Both sit on the hot path (the claim and the report), so each is one statement whatever the
number of tasks: a bulk INSERT, and one UPDATE of the open rows.
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from core import audit
from core.actors import Actor
from projects.models import Project
from tasks.models import Task, TaskAttempt

# The trail's columns as the one-statement claim and completion insert them, the actor's
# values named as `trail_values` gives them (`audit.entry` fills the same columns).
TRAIL_COLUMNS = (
    "created_at, actor_kind, actor_name, actor_user_id, execution_id, action, target_type_id,"
    " target_id, target_repr, from_status, to_status, reason, changes"
)
# (A user id may be NULL, which a UNION would otherwise take for text.)
TRAIL_ACTOR = (
    "%(now)s, %(actor_kind)s, %(actor_name)s, CAST(%(actor_user_id)s AS integer), %(execution_id)s"
)

# Why a lease that ran out ended, on the attempt (the task says what became of it).
LEASE_EXPIRED_MESSAGE = "Lease expired; the worker did not report."


def attempts_open(tasks: Iterable[Task], *, now) -> None:
    """One open attempt per claimed task, as the claim wrote it (one INSERT)."""
    TaskAttempt.objects.bulk_create(
        [
            TaskAttempt(
                task_id=task.id,
                number=task.attempts,
                worker_id=task.worker_id,
                lease_holder_id=task.lease_holder_id,
                claimed_at=now,
            )
            for task in tasks
        ]
    )


def attempts_close(
    task_ids: Iterable[int] | QuerySet,
    *,
    outcome: str,
    now,
    error_message: str | None = None,
    error_from_task: bool = False,
    at_lease_expiry: bool = False,
) -> None:
    """Close the open attempt of each of these tasks (one UPDATE; none open, nothing done).

    `error_from_task` copies each task's `error_message` as written by the same transaction
    (a report's message); `at_lease_expiry` dates the end at the lease's expiry, not at the
    moment it was noticed — so call it before the tasks' own UPDATE clears the lease.
    """
    if not isinstance(task_ids, QuerySet):
        task_ids = list(task_ids)
        if not task_ids:
            return
    task = Task.all_objects.filter(id=OuterRef("task_id"))
    changes = {"outcome": outcome, "finished_at": now, "error_message": error_message}
    if error_from_task:
        changes["error_message"] = Subquery(task.values("error_message")[:1])
    if at_lease_expiry:
        changes["finished_at"] = Coalesce(Subquery(task.values("lease_expires_at")[:1]), Value(now))
    TaskAttempt.objects.filter(task_id__in=task_ids, finished_at__isnull=True).update(**changes)


def task_entry(
    task: Task,
    action: str,
    old: str,
    new: str,
    *,
    reason: str | None = "",
    changes: dict | None = None,
    actor: Actor | None = None,
):
    """An unsaved audit entry about one task (from → to left blank when the status stays)."""
    return audit.entry(
        action=action,
        target_model=Task,
        target_id=task.id,
        target_repr=f"#{task.id} {task.task_type}",
        **audit.status_move(old, new),
        reason=reason,
        changes=changes,
        actor=actor,
    )


def trail_values(actor: Actor | None) -> dict:
    """The named values of TRAIL_ACTOR (but `now`) and of the targets' content types."""
    return {
        **audit.actor_columns(actor),
        # Cached by Django per process; values, not literals: they are the database's ids.
        "task_content_type": ContentType.objects.get_for_model(Task).id,
        "project_content_type": ContentType.objects.get_for_model(Project).id,
    }
