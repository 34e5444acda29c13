from django.db import models
from django.db.models import F

from core.models import TimestampedModel


class WorkerConfig(TimestampedModel):
    """Settings a kind of worker runs with. Never deleted: DELETE deactivates it.

    Tasks pick configs through tasks.TaskConfig; the worker receives each config's
    `config_data` merged with the task's override (see tasks.task_configs).
    """

    config_name = models.CharField(max_length=255)
    config_type = models.CharField(max_length=100)
    worker_type = models.CharField(max_length=100)
    config_data = models.JSONField(default=dict, blank=True)
    description = models.TextField(null=True, blank=True)
    # Higher first: in lists, and in the order a task's configs are handed to the worker.
    priority = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-priority", "id"]
        indexes = [
            # The default list: active configs of a worker type, best priority first.
            models.Index(
                F("is_active"),
                F("worker_type"),
                F("priority").desc(),
                F("id"),
                name="workerconfigs_active_type_prio",
            ),
        ]

    def __str__(self):
        return f"{self.config_name} ({self.worker_type})"
