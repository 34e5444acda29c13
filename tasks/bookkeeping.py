"""Project counters and status derived from tasks, and the lease check: shared by the
services and the claims (a module of its own so that neither imports the other in a circle).
"""

from collections import Counter
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.exceptions import ApplicationError
from core.roles import Role
from projects.models import Project
from tasks.models import Task

Status = Task.Status


def _counted(status: str) -> Counter:
    if status == Status.COMPLETED:
        return Counter(completed_tasks=1)
    if status == Status.FAILED:
        return Counter(failed_tasks=1)
    return Counter()


# --- project bookkeeping --------------------------------------------------------------------


def _apply_counter_deltas(deltas: dict[int, Counter]) -> None:
    for project_id, delta in deltas.items():
        increments = {name: F(name) + amount for name, amount in delta.items() if amount}
        if increments:
            Project.all_objects.filter(id=project_id).update(
                **increments, updated_at=timezone.now()
            )


def sync_project_statuses(project_ids: Iterable[int]) -> list:
    """Derive each project's status from its tasks; return the audit entries of the changes
    (unsaved: the caller records them with its own, in one INSERT).

    A task failed for good fails the project; all tasks completed complete it; a project
    that was completed or failed and has open tasks again goes back to processing (or
    pending if none has started); the first started task moves a pending project on. A
    project left without live tasks keeps its status: there is nothing to derive it from.

    The projects whose status changes are read first (locked, with the status they get),
    so the trail knows each one's old status; most reports change none, and then that read
    is the only query, as the UPDATE was before.
    """
    project_ids = list(project_ids)
    if not project_ids:
        return []
    P = Project.Status
    started = Exists(
        Task.objects.filter(
            project_id=OuterRef("pk"), status__in=[Status.PROCESSING, Status.COMPLETED]
        )
    )
    derived = Case(
        When(failed_tasks__gt=0, then=Value(P.FAILED)),
        When(total_tasks__gt=0, completed_tasks=F("total_tasks"), then=Value(P.COMPLETED)),
        When(Q(status__in=[P.PENDING, P.COMPLETED, P.FAILED]) & started, then=Value(P.PROCESSING)),
        When(status__in=[P.COMPLETED, P.FAILED], total_tasks__gt=0, then=Value(P.PENDING)),
        default=F("status"),
    )
    changing = list(
        Project.all_objects.filter(id__in=project_ids)
        .annotate(derived=derived)
        .exclude(status=F("derived"))
        .order_by("id")
        .select_for_update(no_key=True)
        .values_list("id", "name", "status", "derived")
    )
    if not changing:
        return []
    Project.all_objects.filter(id__in=[row[0] for row in changing]).alias(derived=derived).exclude(
        status=F("derived")
    ).update(status=derived, updated_at=timezone.now())
    return [
        audit.entry(
            action="project.status",
            target_model=Project,
            target_id=project_id,
            target_repr=name,
            from_status=old,
            to_status=new,
            reason="derived from its tasks",
        )
        for project_id, name, old, new in changing
    ]


# --- leases and retries -----------------------------------------------------------------------


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


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the `attempts`-th failed attempt: base * 2**(attempts-1),
    capped (settings TASK_RETRY_BACKOFF_BASE_SECONDS and TASK_RETRY_BACKOFF_MAX_SECONDS)."""
    base = settings.TASK_RETRY_BACKOFF_BASE_SECONDS
    cap = settings.TASK_RETRY_BACKOFF_MAX_SECONDS
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


# --- the audit trail ------------------------------------------------------------------------


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
