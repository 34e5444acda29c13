from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from core.roles import API_ROLE_CHOICES, DEFAULT_API_ROLE


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class LiveQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)


class LiveManager(models.Manager.from_queryset(LiveQuerySet)):
    """The default manager: rows whose `deleted_at` is set are gone for everyone but the admin."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(TimestampedModel):
    """Nothing is hard-deleted through the API: DELETE stamps `deleted_at` (see services)."""

    deleted_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    objects = LiveManager()
    all_objects = models.Manager.from_queryset(LiveQuerySet)()

    class Meta:
        abstract = True
        # Related lookups (task.project) must still reach a soft-deleted row.
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class WorkflowRun(TimestampedModel):
    """One call to an n8n workflow: what was sent where, and what came of it.

    The target is generic (`target_type` + `target_id`, e.g. "inspiration" 3) so that core
    knows no app. States: pending → succeeded (n8n accepted it) or failed (unreachable,
    timeout, non-2xx, or the workflow reported a failure in its callback); failed → pending
    on a retry.
    """

    class Kind(models.TextChoices):
        INSPIRATION = "inspiration"
        TRANSFORM = "transform"
        EXECUTION = "execution"

    class State(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    target_type = models.CharField(max_length=50)
    target_id = models.BigIntegerField()
    url = models.URLField(max_length=500)
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.PENDING, db_index=True
    )
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    execution_id = models.CharField(max_length=255, null=True, blank=True)
    # `error` is shown to API clients and says what happened in our words; the start of what
    # n8n (or whatever answered) replied is kept here for operators, shown in the admin only.
    error = models.TextField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    callback_received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="core_workflowrun_target"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.kind} {self.target_type} {self.target_id} ({self.state})"


class ApiClient(TimestampedModel):
    """A program that calls the API with a token: a worker, n8n, or a client (front end).

    Its identity is a Django user without a usable password (it cannot sign in to the
    console); its tokens are knox's, stored as digests and shown once, at creation.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="api_client",
    )
    role = models.CharField(max_length=16, choices=API_ROLE_CHOICES, default=DEFAULT_API_ROLE)

    class Meta:
        ordering = ["user__username"]
        verbose_name = "API client"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[value for value, _ in API_ROLE_CHOICES]),
                name="%(app_label)s_%(class)s_role_valid",
                violation_error_message="Unknown role.",
            ),
        ]

    def __str__(self):
        return f"{self.user.username} ({self.role})"

    @property
    def name(self) -> str:
        return self.user.username


class IdempotencyRecord(models.Model):
    """The first successful answer to a creating POST sent with an `Idempotency-Key` header.

    A key belongs to one user (API client or person) and one endpoint (method and canonical
    path). The row is inserted before the creation, in the same transaction, so a concurrent
    request with the same key waits on the unique index and then replays what this one stored.
    Rows older than IDEMPOTENCY_KEY_TTL_HOURS count as unused; `purge_idempotency_keys`
    deletes them.
    """

    # The unique constraint's index starts with the user: no index of its own.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=255)
    # An HMAC (keyed with SECRET_KEY) of the canonical JSON body, not a bare hash: bodies may
    # hold platform credentials, and a bare hash would let a database dump test guesses.
    request_hash = models.CharField(max_length=64)
    # Null only inside the transaction that creates; other requests never see it so.
    response_status = models.PositiveSmallIntegerField(null=True)
    # The envelope as JSON text: jsonb would reorder its keys, and a replay is the same bytes.
    response_body = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "method", "path"],
                name="%(app_label)s_%(class)s_unique_key",
                violation_error_message="This Idempotency-Key is already used on this endpoint.",
            ),
        ]

    def __str__(self):
        return f"{self.method} {self.path} {self.key!r} ({self.response_status})"


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, obj):
        """The entries about this object, newest first."""
        from django.contrib.contenttypes.models import ContentType

        target_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        return self.filter(target_type=target_type, target_id=obj.pk)


class AuditEntry(models.Model):
    """One state change: who did it (an operator, an API client, n8n, a command) and what.

    Written by the services themselves (core.audit.record), in the transaction of the change,
    so that every caller — console, API, webhook, command — leaves the same trace. Never
    edited nor deleted. Secret values (credentials, tokens) are never stored: `changes`
    names such a field with AUDIT_HIDDEN instead of its values.
    """

    class ActorKind(models.TextChoices):
        OPERATOR = "operator", "operator (console)"
        API_CLIENT = "api_client", "API client"
        N8N = "n8n", "n8n (webhook)"
        COMMAND = "command", "command"
        SYSTEM = "system", "system"

    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor_name = models.CharField(max_length=150, blank=True, default="")
    # The person or API client, while it exists; the name above stays when it is deleted.
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    execution_id = models.CharField(max_length=255, blank=True, default="")
    action = models.CharField(max_length=64)
    target_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    target_id = models.BigIntegerField()
    target_repr = models.CharField(max_length=200, blank=True, default="")
    from_status = models.CharField(max_length=32, blank=True, default="")
    to_status = models.CharField(max_length=32, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    changes = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        indexes = [
            # An object's history (History pages); it also serves "entries of this type".
            models.Index(
                fields=["target_type", "target_id", "created_at"],
                name="core_auditentry_target",
            ),
        ]

    def __str__(self):
        return f"{self.action} {self.target_repr or self.target_id} by {self.actor_name}"

    @property
    def status_change(self) -> str:
        if not (self.from_status or self.to_status):
            return ""
        return f"{self.from_status or '—'} → {self.to_status or '—'}"
