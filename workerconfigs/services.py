"""Worker configs and their assignment to tasks.

This app is a leaf: it never imports `tasks` (tasks' claim reads the merged configs from
here). It reaches the Task model through TaskConfig's foreign key instead.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from core import audit
from core.exceptions import ApplicationError
from core.lookups import get_or_404
from core.model_update import model_update
from workerconfigs.models import TaskConfig, WorkerConfig

WORKER_CONFIG_NOT_FOUND = "Worker config not found"
TASK_NOT_FOUND = "Task not found"
WORKER_CONFIG_UPDATABLE_FIELDS = (
    "config_name",
    "config_type",
    "worker_type",
    "config_data",
    "description",
    "priority",
    "is_active",
)


def _task_model():
    return TaskConfig._meta.get_field("task").related_model


def get_task_or_404(task_id) -> None:
    """Raise the 404 envelope unless a live (not soft-deleted) task has this id."""
    get_or_404(_task_model().objects.only("id"), task_id, TASK_NOT_FOUND)


@transaction.atomic
def worker_config_create(
    *,
    config_name: str,
    config_type: str,
    worker_type: str,
    config_data: dict | None = None,
    description: str | None = None,
    priority: int = 0,
    is_active: bool = True,
) -> WorkerConfig:
    """Create a worker config."""
    config = WorkerConfig.objects.create(
        config_name=config_name,
        config_type=config_type,
        worker_type=worker_type,
        config_data=config_data or {},
        description=description,
        priority=priority,
        is_active=is_active,
    )
    audit.record(action="worker_config.create", target=config)
    return config


@transaction.atomic
def worker_config_update(*, config: WorkerConfig, **data) -> WorkerConfig:
    """Change the given fields of a worker config (active or not)."""
    config = WorkerConfig.objects.select_for_update().get(pk=config.pk)
    before = audit.field_values(config, data)
    model_update(instance=config, fields=WORKER_CONFIG_UPDATABLE_FIELDS, data=data)
    changes = audit.changes_between(before, data)
    action = "worker_config.update"
    if set(changes) == {"is_active"}:
        action = "worker_config.activate" if config.is_active else "worker_config.deactivate"
    audit.record_if_changed(action=action, target=config, changes=changes)
    return config


@transaction.atomic
def worker_config_deactivate(*, config: WorkerConfig) -> None:
    """DELETE of a worker config: it stays, inactive, so that past assignments keep meaning."""
    changed = WorkerConfig.objects.filter(pk=config.pk, is_active=True).update(
        is_active=False, updated_at=timezone.now()
    )
    if changed:
        changes = {"is_active": [True, False]}
        audit.record(action="worker_config.deactivate", target=config, changes=changes)


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
        target_model=_task_model(),
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
            {
                "config_id": config.id,
                "config_name": config.config_name,
                "config_type": config.config_type,
                "worker_type": config.worker_type,
                "priority": config.priority,
                "config_data": merge_config_data(config.config_data, link.override_data),
            }
        )
    return {task_id: result.get(task_id, []) for task_id in task_ids}


def task_merged_configs(task_id: int) -> list[dict]:
    """The active configs of one task, override merged in, highest priority first."""
    return tasks_merged_configs([task_id])[task_id]


def _id_list(ids: Sequence[int]) -> str:
    return ", ".join(str(config_id) for config_id in ids)
