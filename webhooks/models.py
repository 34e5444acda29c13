from django.db import models
from django.db.models import Q


class CallbackStatus(models.TextChoices):
    """The `status` every n8n callback carries (contract section 7)."""

    SUCCESS = "success"
    FAILED = "failed"


class WebhookEvent(models.Model):
    """One applied n8n callback: the audit trail, and the memory that makes deliveries idempotent.

    `delivery_key` is the callback's executionId (for task_update: executionId and the reported
    status, since one execution may report a task's progress more than once); without one, a
    signed callback's signature, which covers method, path, timestamp and body. A second
    delivery with the same (endpoint, target, delivery_key) is answered with the stored
    `result` and changes nothing. Token deliveries without executionId are applied every time.
    """

    class Endpoint(models.TextChoices):
        INSPIRATION = "inspiration"
        PROJECT_CREATION = "project_creation"
        PROJECT_EXECUTION = "project_execution"
        TASK_UPDATE = "task_update"

    endpoint = models.CharField(max_length=32, choices=Endpoint.choices)
    target_id = models.BigIntegerField()
    execution_id = models.CharField(max_length=255, null=True, blank=True)
    delivery_key = models.CharField(max_length=300, null=True, blank=True)
    workflow_run = models.ForeignKey(
        "core.WorkflowRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webhook_events",
    )
    payload = models.JSONField()
    # X-ShortsGen-Timestamp of a signed delivery; null for one authenticated by token.
    signed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField()
    status_code = models.PositiveSmallIntegerField(default=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "target_id", "delivery_key"],
                condition=Q(delivery_key__isnull=False),
                name="%(app_label)s_%(class)s_unique_delivery",
                violation_error_message="This delivery was already applied.",
            )
        ]

    def __str__(self):
        return f"{self.endpoint} {self.target_id} ({self.execution_id or 'no executionId'})"
