"""How the services lock tasks: by id, so that two writers over overlapping tasks take their
locks in one order and cannot deadlock (tasks first, then their project, everywhere)."""

from collections.abc import Sequence

from django.db.models import BooleanField, ExpressionWrapper, Q

from core.exceptions import ApplicationError
from tasks.models import Task, TaskDependency


def lock_tasks(
    condition: Q,
    *,
    not_found: str | None,
    no_key: bool = False,
    completing: bool = False,
    also: Sequence[int] = (),
) -> list[Task]:
    """Lock the matching live tasks, by id; 404 with `not_found` when there is none.

    `completing`: their dependents are locked in the same statement (not returned), as the
    one-statement completion locks them: a completion writes their counts of unfinished
    dependencies (`promotion`), and taking every row it writes in one id order keeps two
    completions from deadlocking over shared dependents.

    `also`: more tasks locked in the same statement (not returned): the dependencies an edit
    gives a task, so that none completes between the count of its unfinished ones and the
    commit (a completion then waits, and sees the new edge), as a creation locks them.
    """
    if not (completing or also):
        rows = Task.objects.filter(condition)
    else:
        others = Q(id__in=list(also))
        if completing:
            targets = Task.objects.filter(condition).values("id")
            dependents = TaskDependency.objects.filter(depends_on__in=targets).values("task_id")
            others |= Q(id__in=dependents)
        live_target = condition & Q(deleted_at__isnull=True)
        # Deleted dependents too: their counts are kept, for a restore.
        rows = Task.all_objects.filter(live_target | others)
        rows = rows.annotate(target=ExpressionWrapper(live_target, output_field=BooleanField()))
    tasks = list(rows.order_by("id").select_for_update(no_key=no_key))
    if completing or also:
        tasks = [task for task in tasks if task.target]
    if not tasks and not_found:
        raise ApplicationError(not_found, status_code=404)
    return tasks
