"""Worker configs: create, change, deactivate.

This app is a leaf: it knows no task. A task's choice of configs (TaskConfig, the assign
service, the merged read) lives in tasks.task_configs.
"""

from django.db import transaction
from django.utils import timezone

from core import audit
from core.model_update import model_update
from workerconfigs.models import WorkerConfig

WORKER_CONFIG_NOT_FOUND = "Worker config not found"
WORKER_CONFIG_UPDATABLE_FIELDS = (
    "config_name",
    "config_type",
    "worker_type",
    "config_data",
    "description",
    "priority",
    "is_active",
)


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
