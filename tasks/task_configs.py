"""Worker configs chosen for tasks: the assignment and the merged read the claim hands out.

Here, not in workerconfigs: a task's configs belong to the task (tasks sits above
workerconfigs and reads its WorkerConfig rows; workerconfigs knows no task).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from core import audit
from core.exceptions import ApplicationError
from core.lookups import get_or_404
from tasks.models import Task, TaskConfig
from workerconfigs.models import WorkerConfig

TASK_NOT_FOUND = "Task not found"


def get_task_or_404(task_id) -> None:
    """Raise the 404 envelope unless a live (not soft-deleted) task has this id."""
    get_or_404(Task.objects.only("id"), task_id, TASK_NOT_FOUND)


@transaction.atomic
def task_configs_assign(
    *, task_id: int, config_ids: Sequence[int], override_data: dict | None = None
) -> list[TaskConfig]:
    """Link active configs to a task (all or nothing); returns the links in request order."""
    get_task_or_404(task_id)
    wanted = list(dict.fromkeys(config_ids))
    active = dict(WorkerConfig.objects.filter(id__in=wanted).values_list("id", "is_active"))
    missing = [config_id for config_id in wanted if config_id not in active]
    inactive = [config_id for config_id in wanted if active.get(config_id) is False]
    problems = []
    if missing:
        problems.append(f"Worker configs not found: {_id_list(missing)}")
    if inactive:
        problems.append(f"Worker configs inactive: {_id_list(inactive)}")
    if problems:
        raise ApplicationError("config_ids: " + "; ".join(problems) + ".")

    now = timezone.now()
    # `override_data` replaces the override of every listed link, new or not. One upsert:
    # a concurrent assign of the same pair updates the row instead of failing on the
    # unique constraint, and created_at keeps the first assignment's time.
    TaskConfig.objects.bulk_create(
        [
            TaskConfig(
                task_id=task_id,
                config_id=config_id,
                override_data=override_data or {},
                created_at=now,
            )
            for config_id in wanted
        ],
        update_conflicts=True,
        unique_fields=["task", "config"],
        update_fields=["override_data", "updated_at"],
    )
    links = {
        link.config_id: link
        for link in TaskConfig.objects.filter(task_id=task_id, config_id__in=wanted)
    }
    override = " (override replaced)" if override_data else ""
    audit.record(
        action="worker_config.assign",
        target_model=Task,
        target_id=task_id,
        target_repr=f"#{task_id}",
        reason=f"configs {_id_list(wanted)} assigned{override}",
    )
    return [links[config_id] for config_id in wanted]


def merge_config_data(base: dict, override: dict) -> dict:
    """`override` on top of `base`; nested objects are merged key by key, the rest replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_config_data(merged[key], value)
        else:
            merged[key] = value
    return merged


def tasks_merged_configs(task_ids: Iterable[int]) -> dict[int, list[dict]]:
    """Each task's active configs, override merged in, highest priority first; one query."""
    task_ids = list(task_ids)
    result: dict[int, list[dict]] = defaultdict(list)
    links = (
        TaskConfig.objects.filter(task_id__in=task_ids, config__is_active=True)
        .select_related("config")
        .order_by("task_id", "-config__priority", "config_id")
    )
    for link in links:
        config = link.config
        result[link.task_id].append(
            merged_config(
                config_id=config.id,
                config_name=config.config_name,
                config_type=config.config_type,
                worker_type=config.worker_type,
                priority=config.priority,
                config_data=config.config_data,
                override_data=link.override_data,
            )
        )
    return {task_id: result.get(task_id, []) for task_id in task_ids}


def merged_config(*, config_data: dict, override_data: dict, **config) -> dict:
    """One config as a claimed task carries it: the config's fields, its data with the
    task's override merged in (the one-statement claim builds it from the same columns)."""
    return {**config, "config_data": merge_config_data(config_data, override_data)}


def task_merged_configs(task_id: int) -> list[dict]:
    """The active configs of one task, override merged in, highest priority first."""
    return tasks_merged_configs([task_id])[task_id]


def _id_list(ids: Sequence[int]) -> str:
    return ", ".join(str(config_id) for config_id in ids)
