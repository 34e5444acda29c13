"""The task panels of the console's overview (see core/overview.py for what a panel is)."""

from datetime import timedelta

from django.db.models import Count, Max
from django.utils import timezone

from core.overview import changelist_url, filtered, model_admin_for
from tasks.admin_filters import LeaseListFilter, RecentFailureListFilter
from tasks.models import Task
from tasks.selectors import task_stats

Status = Task.Status
# The overview counts live tasks; its links say so, whatever the list's default.
LIVE = {"deleted": "no"}


def queue_panel(request, site) -> dict | None:
    """Counts by task type and status, ready count and oldest ready age: /api/tasks/stats."""
    if model_admin_for(request, site, Task) is None:
        return None
    now = timezone.now()
    rows = []
    totals = dict.fromkeys(Status.values, 0)
    for stats in task_stats():
        task_type = stats["task_type"]
        cells = []
        for status in Status.values:
            count = stats["counts"][status]
            totals[status] += count
            url = changelist_url(Task, task_type__exact=task_type, status__exact=status, **LIVE)
            cells.append({"count": count, "url": url})
        age = stats["oldest_ready_age_seconds"]
        rows.append(
            {
                "task_type": task_type,
                "type_url": changelist_url(Task, task_type__exact=task_type, **LIVE),
                "cells": cells,
                "ready": stats["ready"],
                "ready_url": changelist_url(Task, task_type__exact=task_type, ready="yes", **LIVE),
                "oldest_ready_since": None if age is None else now - timedelta(seconds=age),
            }
        )
    return {
        "template": "tasks/overview/queue.html",
        "statuses": Status.values,
        "rows": rows,
        "totals": [
            {"count": totals[s], "url": changelist_url(Task, status__exact=s, **LIVE)}
            for s in Status.values
        ],
        "ready_total": sum(row["ready"] for row in rows),
        "ready_url": changelist_url(Task, ready="yes", **LIVE),
    }


def trouble_panel(request, site) -> dict | None:
    """Tasks failed in the last 24 h and leases that have run out now."""
    model_admin = model_admin_for(request, site, Task)
    if model_admin is None:
        return None
    tasks = Task.objects.all()
    failed = filtered(RecentFailureListFilter, request, model_admin, tasks, "24h")
    expired = filtered(LeaseListFilter, request, model_admin, tasks, "expired")
    return {
        "template": "tasks/overview/trouble.html",
        "failed_count": failed.count(),
        "failed_url": changelist_url(Task, failed="24h", **LIVE),
        "expired_count": expired.count(),
        "expired_url": changelist_url(Task, lease="expired", **LIVE),
    }


def workers_panel(request, site) -> dict | None:
    """Live workers: those holding a processing task whose lease has not run out.

    Workers are not registered anywhere; a worker is known by the `worker_id` of the tasks it
    holds. Its last sign of life is the latest claim or heartbeat on them (both write the
    task's `updated_at`).
    """
    model_admin = model_admin_for(request, site, Task)
    if model_admin is None:
        return None
    held = filtered(LeaseListFilter, request, model_admin, Task.objects.all(), "live")
    groups = (
        held.order_by("worker_id")
        .values("worker_id")
        .annotate(tasks_held=Count("id"), last_seen=Max("updated_at"))
    )
    workers = []
    for group in groups:
        worker_id = group["worker_id"]
        if worker_id is None:
            url = changelist_url(Task, worker_id__isnull="True", lease="live", **LIVE)
        else:
            url = changelist_url(Task, worker_id__exact=worker_id, lease="live", **LIVE)
        workers.append({**group, "url": url})
    return {
        "template": "tasks/overview/workers.html",
        "workers": workers,
        "held_total": sum(worker["tasks_held"] for worker in workers),
        "held_url": changelist_url(Task, lease="live", **LIVE),
    }
