"""A project's task graph as a whole: its dependencies, deleting a task from it, starting
it over, and recounting it."""

from collections import Counter, defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import audit
from core.dag import CycleError, topological_order
from core.exceptions import ApplicationError
from core.soft_delete import soft_delete
from projects.models import Project
from tasks.models import Task, TaskAttempt, TaskDependency
from tasks.services.lifecycle import Cause, move
from tasks.services.locks import lock_tasks
from tasks.services.progress import counted, move_progress, sync_project_statuses
from tasks.services.promotion import recount_unfinished_dependencies
from tasks.services.records import attempts_close, task_entry

Status = Task.Status


def replace_dependencies(task: Task, dependency_ids: Sequence[int]) -> None:
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
    parents = defaultdict(set)
    for task_id, depends_on_id in TaskDependency.objects.filter(
        task__project_id=task.project_id
    ).values_list("task_id", "depends_on_id"):
        parents[task_id].add(depends_on_id)
    existing = set(parents[task.id])
    parents[task.id] = wanted
    try:
        topological_order(list({task.id, *wanted, *parents}), parents)
    except CycleError:
        raise ApplicationError("dependencies: These dependencies would create a cycle.") from None
    TaskDependency.objects.filter(task=task).exclude(depends_on_id__in=wanted).delete()
    TaskDependency.objects.bulk_create(
        [TaskDependency(task=task, depends_on_id=dep) for dep in wanted - existing]
    )
    recount_unfinished_dependencies(Task.all_objects.filter(id=task.id))
    task.unfinished_dependencies = (
        Task.all_objects.filter(id=task.id).values_list("unfinished_dependencies", flat=True).get()
    )


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
    task = lock_tasks(Q(id=task_id), not_found="Task not found", no_key=True)[0]
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
    soft_delete(task, at=now)
    delta = Counter(total_tasks=-1)
    delta.subtract(counted(task.status))
    deleted = task_entry(task, "task.delete", task.status, task.status)
    audit.record_many([deleted, *move_progress({task.project_id: delta})])


def tasks_requeue_project(project: Project) -> None:
    """Put every task of the project back to its start: roots pending, the rest waiting."""
    move(lock_tasks(Q(project=project), not_found=None), cause=Cause.REQUEUE)


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


def project_tasks_delete(project: Project, *, now) -> list:
    """Soft-delete the live tasks of a project being deleted, stamped `now` as the project's
    row will be (a restore brings back exactly those); return their audit entries (unsaved).

    Lock order, as reports and claims take it: the tasks (by id), then the project. The
    project's row lock waits for task creations in flight (they hold it too), so the UPDATE
    also deletes the tasks they add. (NO KEY: a PATCH of dependencies holding the project
    may still check its foreign keys on them.)
    """
    tasks = Task.objects.filter(project=project).order_by("id")
    deleted = list(tasks.select_for_update(no_key=True).values("id", "task_type", "status"))
    Project.objects.select_for_update().filter(pk=project.pk).first()
    Task.objects.filter(project=project).update(deleted_at=now, updated_at=now)
    return _entries_with_project(deleted, "task.delete", project)


def project_tasks_restore(project: Project) -> list:
    """Bring back the tasks deleted with a project (the caller holds the project's row and
    restores it); refused while live tasks took their commit ids. Returns the audit entries
    of the tasks and of the recount (unsaved)."""
    tasks = Task.all_objects.filter(project=project, deleted_at=project.deleted_at)
    commit_ids = [c for c in tasks.values_list("commit_id", flat=True) if c]
    taken = list(Task.objects.filter(commit_id__in=commit_ids).values_list("commit_id", flat=True))
    if taken:
        raise ApplicationError(
            f"Cannot restore: live tasks now hold commit_id {', '.join(sorted(taken))}."
        )
    restored = list(tasks.values("id", "task_type", "status"))
    tasks.update(deleted_at=None, updated_at=timezone.now())
    return _entries_with_project(restored, "task.restore", project)


def _entries_with_project(rows: list[dict], action: str, project: Project) -> list:
    return [
        task_entry(
            Task(id=row["id"], task_type=row["task_type"]),
            action,
            row["status"],
            row["status"],
            reason=f"with project #{project.pk}",
        )
        for row in rows
    ]
