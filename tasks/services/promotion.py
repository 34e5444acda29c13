"""The graph's invariant as tasks complete and reopen: a waiting task never has all its
dependencies completed, a pending one has them all.

Each task counts its dependencies not completed (`Task.unfinished_dependencies`). A completion
subtracts itself from its dependents' counts and a reopening adds itself back, in one UPDATE
that moves the status with the count: row-level arithmetic, so two dependencies completing at
once each subtract under the row's lock and the second sees the first's result — the last one
promotes, whichever it is. The fast completion (`tasks.services.statements`) writes the same
rule in its one statement.
"""

from collections.abc import Iterable

from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from tasks.models import Task, TaskDependency

Status = Task.Status


def ids_with_unfinished_dependencies(tasks: Iterable[Task]) -> set[int]:
    """Those of these (locked) tasks that must wait: some dependency is not completed."""
    return {task.id for task in tasks if task.unfinished_dependencies}


def recount_unfinished_dependencies(tasks: QuerySet) -> None:
    """Count afresh, from their edges, the unfinished dependencies of these tasks (after
    their edges changed, or when a project starts over)."""
    unfinished = TaskDependency.objects.filter(task_id=OuterRef("pk")).exclude(
        depends_on__status=Status.COMPLETED
    )
    count = unfinished.order_by().values("task_id").annotate(n=Count("*")).values("n")
    tasks.update(unfinished_dependencies=Coalesce(Subquery(count), 0))


def promote_dependents(completed_ids: list[int], now) -> None:
    """Each dependent counts these completions off; a waiting one left with none to wait for
    becomes pending."""
    if completed_ids:
        _move_dependents(completed_ids, -1, Status.WAITING, Status.PENDING, now)


def demote_dependents(reopened_ids: list[int], now) -> None:
    """Each dependent counts these tasks as unfinished again; a pending one goes back to
    waiting (one that runs or ran keeps its status)."""
    if reopened_ids:
        _move_dependents(reopened_ids, +1, Status.PENDING, Status.WAITING, now)


def _move_dependents(ids: list[int], sign: int, source: str, target: str, now) -> None:
    links = TaskDependency.objects.filter(depends_on_id__in=ids)
    moved = Subquery(
        links.filter(task_id=OuterRef("pk"))
        .order_by()
        .values("task_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    # A completion promotes when it takes the count to zero; a reopening always demotes.
    moves = Q(status=source) & (Q(unfinished_dependencies=moved) if sign < 0 else Q())

    def when_moved(value, name: str) -> Case:
        return Case(When(moves, then=Value(value)), default=F(name))

    changes = {
        "unfinished_dependencies": F("unfinished_dependencies") + sign * moved,
        "status": when_moved(target, "status"),
        "updated_at": when_moved(now, "updated_at"),
    }
    if target == Status.PENDING:
        changes["available_at"] = when_moved(now, "available_at")
    # Deleted dependents too: the count stays true for a task restored later.
    Task.all_objects.filter(id__in=links.values("task_id")).update(**changes)
