"""The graph's invariant as tasks complete and reopen: a waiting task never has all its
dependencies completed, a pending one has them all. Set-based UPDATEs, not loops of saves."""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from tasks.models import Task, TaskDependency

Status = Task.Status


def ids_with_unfinished_dependencies(task_ids: Iterable[int]) -> set[int]:
    """Those of these tasks that must wait: some dependency is not completed."""
    return set(
        TaskDependency.objects.filter(task_id__in=task_ids)
        .exclude(depends_on__status=Status.COMPLETED)
        .values_list("task_id", flat=True)
    )


def promote_dependents(completed_ids: list[int], now) -> None:
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


def demote_dependents(reopened_ids: list[int], now) -> None:
    """Pending tasks that depend on a task no longer completed go back to waiting."""
    if not reopened_ids:
        return
    Task.objects.filter(
        status=Status.PENDING,
        id__in=TaskDependency.objects.filter(depends_on_id__in=reopened_ids).values("task_id"),
    ).update(status=Status.WAITING, updated_at=now)
