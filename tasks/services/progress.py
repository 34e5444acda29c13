"""A project's progress as its tasks' lifecycle moves it: the counters (total, completed,
failed) and the status derived from them. Only the task lifecycle writes these.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.lookups import Exact, GreaterThan
from django.utils import timezone

from core import audit
from projects.models import Project
from tasks.models import Task

Status = Task.Status


def counted(status: str) -> Counter:
    """What one task in this status adds to its project's counters."""
    if status == Status.COMPLETED:
        return Counter(completed_tasks=1)
    if status == Status.FAILED:
        return Counter(failed_tasks=1)
    return Counter()


def move_progress(deltas: dict[int, Counter]) -> list:
    """Add each project's deltas to its counters and derive its status from them; return the
    audit entries of the status changes (unsaved: the caller records them with its own, in
    one INSERT).

    Counters move by addition, so that concurrent reports never lose one; projects with the
    same deltas move together, so a report or a batch in one project costs one statement on
    PostgreSQL (two on SQLite, which serialises writers anyway and cannot return another
    table's columns from an UPDATE).
    """
    groups: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for project_id, delta in deltas.items():
        key = (delta["total_tasks"], delta["completed_tasks"], delta["failed_tasks"])
        groups[key].append(project_id)
    entries = []
    for (total, completed, failed), project_ids in sorted(groups.items()):
        moves = {
            "total_tasks": F("total_tasks") + total,
            "completed_tasks": F("completed_tasks") + completed,
            "failed_tasks": F("failed_tasks") + failed,
        }
        status = derived_status(**moves)
        entries += [
            audit.entry(
                action="project.status",
                target_model=Project,
                target_id=project_id,
                target_repr=name,
                from_status=old,
                to_status=new,
                reason="derived from its tasks",
            )
            for project_id, name, old, new in _move(sorted(project_ids), moves, status)
            if old != new
        ]
    return entries


def restart_progress(totals: Counter) -> None:
    """Counters of projects whose every task is back at the start: `totals` tasks, none done."""
    for project_id, total in totals.items():
        Project.all_objects.filter(id=project_id).update(
            total_tasks=total, completed_tasks=0, failed_tasks=0, updated_at=timezone.now()
        )


def sync_project_statuses(project_ids: Iterable[int]) -> list:
    """Derive each project's status from its counters as they stand (after a recount)."""
    return move_progress({project_id: Counter() for project_id in project_ids})


def derived_status(*, total_tasks, completed_tasks, failed_tasks) -> Case:
    """A project's status from its counters (expressions: the values it is about to have).

    A task failed for good fails the project; all tasks completed complete it; a project
    that was completed or failed and has open tasks again goes back to processing (or
    pending if none has started); the first started task moves a pending project on. A
    project left without live tasks keeps its status: there is nothing to derive it from.
    """
    P = Project.Status
    started = Exists(
        Task.objects.filter(
            project_id=OuterRef("pk"), status__in=[Status.PROCESSING, Status.COMPLETED]
        )
    )
    has_tasks = Q(GreaterThan(total_tasks, 0))
    return Case(
        When(GreaterThan(failed_tasks, 0), then=Value(P.FAILED)),
        When(has_tasks & Q(Exact(completed_tasks, total_tasks)), then=Value(P.COMPLETED)),
        When(Q(status__in=[P.PENDING, P.COMPLETED, P.FAILED]) & started, then=Value(P.PROCESSING)),
        When(Q(status__in=[P.COMPLETED, P.FAILED]) & has_tasks, then=Value(P.PENDING)),
        default=F("status"),
        output_field=Project._meta.get_field("status"),
    )


def _move(project_ids: list[int], moves: dict, status) -> list[tuple]:
    """Write the counters and status; return (id, name, old status, new status) per project."""
    projects = Project.all_objects.filter(id__in=project_ids).order_by("id")
    if connection.vendor != "postgresql":
        # SQLite's IMMEDIATE transactions already hold the write lock: read, then write.
        moved = list(projects.annotate(new=status).values_list("id", "name", "status", "new"))
        projects.update(**moves, status=status, updated_at=timezone.now())
        return moved
    sql, params = progress_update_sql(projects, moves, status)
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), *params])
        return cursor.fetchall()


def progress_update_sql(projects: QuerySet, moves: dict, status) -> tuple[str, tuple]:
    """PostgreSQL's one statement for `move_progress`: the new counters and status computed on
    the locked rows (FOR NO KEY UPDATE returns the latest version of a row it waited for) and
    written by an UPDATE that returns the old status beside the new one (PostgreSQL 15 has no
    RETURNING OLD). Its first parameter, left to the caller, is `updated_at`; it returns
    (id, name, old status, new status) per project."""
    locked = projects.select_for_update(no_key=True).values("id", "name", "status")
    locked = locked.annotate(**{f"new_{name}": value for name, value in moves.items()})
    select, params = locked.annotate(new_status=status).query.sql_with_params()
    table = connection.ops.quote_name(Project._meta.db_table)
    sets = ", ".join(f"{name} = locked.new_{name}" for name in [*moves, "status"])
    sql = (
        f"UPDATE {table} SET {sets}, updated_at = %s FROM ({select}) AS locked"
        f" WHERE {table}.id = locked.id"
        f" RETURNING {table}.id, locked.name, locked.status, {table}.status"
    )
    return sql, params


def start_projects(project_ids: set[int], now) -> list:
    """The claim's case of the rule above (the first started task moves a pending project
    on), without its read: a conditional UPDATE, so racing claims agree; it returns the
    projects it started (RETURNING, so the trail costs no extra query)."""
    if not project_ids:
        return []
    table = connection.ops.quote_name(Project._meta.db_table)
    ids = sorted(project_ids)
    sql = (
        f"UPDATE {table} SET status = %s, updated_at = %s"
        f" WHERE id IN ({', '.join(['%s'] * len(ids))}) AND status = %s"
        " AND deleted_at IS NULL RETURNING id, name"
    )
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Project.Status.PROCESSING, at, *ids, Project.Status.PENDING])
        rows = cursor.fetchall()
    return [
        audit.entry(
            action="project.status",
            target_model=Project,
            target_id=project_id,
            target_repr=name,
            from_status=Project.Status.PENDING,
            to_status=Project.Status.PROCESSING,
            reason="derived from its tasks: the first one was claimed",
        )
        for project_id, name in rows
    ]
