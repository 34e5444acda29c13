"""A project's progress as its tasks' lifecycle moves it: the counters (total, completed,
failed) and the status derived from them. Only the task lifecycle writes these.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
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


def move_counters(deltas: dict[int, Counter]) -> None:
    """Add each project's deltas to its counters (F-expressions: concurrent moves add up)."""
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


def start_projects(project_ids: set[int], now) -> list:
    """The claim's case of the rule above (the first started task moves a pending project
    on), without its read: a conditional UPDATE, so racing claims agree; it returns the
    projects it started (RETURNING, so the trail costs no extra query)."""
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
