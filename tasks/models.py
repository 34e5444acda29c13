from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property

from core.models import LiveManager, LiveQuerySet, SoftDeleteModel, TimestampedModel


def dependency_ids_prefetch() -> models.Prefetch:
    """What `Task.dependency_ids` reads, for prefetch_related(_objects): one query per page."""
    return models.Prefetch(
        "dependency_links",
        queryset=TaskDependency.objects.only("id", "task_id", "depends_on_id").order_by(
            "depends_on_id"
        ),
    )


class TaskQuerySet(LiveQuerySet):
    def with_dependency_ids(self):
        """Prefetch what `Task.dependency_ids` reads: one query for the whole page."""
        return self.prefetch_related(dependency_ids_prefetch())


class TaskManager(LiveManager.from_queryset(TaskQuerySet)):
    pass


class Task(SoftDeleteModel):
    """One step of a project's graph, run by a remote worker.

    Status transitions: waiting → pending, failed; pending → processing, completed, failed,
    waiting; processing → completed, failed, pending; failed → pending, processing;
    completed → pending.
    """

    class Status(models.TextChoices):
        WAITING = "waiting"  # some dependency is not completed yet
        PENDING = "pending"  # ready to be claimed
        PROCESSING = "processing"  # claimed by a worker
        COMPLETED = "completed"
        FAILED = "failed"

    TRANSITIONS = {
        Status.WAITING: frozenset({Status.PENDING, Status.FAILED}),
        Status.PENDING: frozenset(
            {Status.PROCESSING, Status.COMPLETED, Status.FAILED, Status.WAITING}
        ),
        Status.PROCESSING: frozenset({Status.COMPLETED, Status.FAILED, Status.PENDING}),
        Status.FAILED: frozenset({Status.PENDING, Status.PROCESSING}),
        Status.COMPLETED: frozenset({Status.PENDING}),
    }
    # Statuses a task may be created with or moved to whose real value its dependencies decide.
    SCHEDULABLE = frozenset({Status.WAITING, Status.PENDING})
    TERMINAL = frozenset({Status.COMPLETED, Status.FAILED})
    # Checked wherever tasks are defined: the API, the webhooks, project-type templates.
    MAX_ATTEMPTS_LIMIT = 100

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="tasks")
    task_type = models.CharField(max_length=100)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    task_input = models.JSONField(default=dict, blank=True)
    task_output = models.JSONField(null=True, blank=True)
    platform_account = models.ForeignKey(
        "accounts.PlatformAccount",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    platform = models.CharField(max_length=32, null=True, blank=True)
    commit_id = models.CharField(max_length=255, null=True, blank=True)
    error_message = models.TextField(null=True, blank=True)
    priority = models.IntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=1)
    worker_id = models.CharField(max_length=255, null=True, blank=True)
    # A fresh random value per claim (a fencing token): a report carrying an older one comes
    # from a worker whose lease was taken over, and is refused. Kept after the lease ends so
    # that a repeated report of the same attempt can be recognised.
    lease_token = models.CharField(max_length=64, null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Who holds (or last held) the lease: the API client of the claim, or whoever moved the
    # task to processing otherwise. Reports are checked against it, not against worker_id,
    # which is a free-text label.
    lease_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # How many of its dependencies are not completed: 0 for a task that may run. Kept by the
    # task services with every completion and reopening, so that a completion promotes its
    # dependents in the statement that completes it (one row-level decrement each, exact
    # when two dependencies complete at once; see tasks/services/promotion.py).
    unfinished_dependencies = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    available_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = TaskManager()
    all_objects = models.Manager.from_queryset(TaskQuerySet)()

    class Meta:
        ordering = ["id"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["project", "status"], name="tasks_task_project_status"),
            models.Index(fields=["task_type", "status"], name="tasks_task_type_status"),
            # The claim's scan: ready tasks of a type, best priority first, then oldest. Partial,
            # so it holds only the pending rows, however many completed ones pile up.
            models.Index(
                F("task_type"),
                F("priority").desc(),
                F("id"),
                name="tasks_task_claim_pending",
                condition=Q(status="pending", deleted_at__isnull=True),
            ),
            # The claim's second scan: leases that ran out (crashed workers), soonest first.
            models.Index(
                F("lease_expires_at"),
                name="tasks_task_claim_expired",
                condition=Q(status="processing", deleted_at__isnull=True),
            ),
            # The queue's counts by type and status (/api/tasks/stats, the console's overview)
            # read this index alone, never the table: it holds every live task, and the table
            # is many times wider.
            models.Index(
                fields=["task_type", "status"],
                name="tasks_task_live_type_status",
                condition=Q(deleted_at__isnull=True),
            ),
            # The overview's "failed in the last 24 h": failed tasks by their last change.
            models.Index(
                fields=["updated_at"],
                name="tasks_task_failed_updated",
                condition=Q(status="failed", deleted_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["commit_id"],
                condition=Q(commit_id__isnull=False, deleted_at__isnull=True),
                name="%(app_label)s_%(class)s_unique_commit_id",
                violation_error_message="A task with this commit_id already exists.",
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__gte=1),
                name="%(app_label)s_%(class)s_max_attempts_positive",
                violation_error_message="max_attempts must be at least 1.",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.task_type} ({self.status})"

    @cached_property
    def dependency_ids(self) -> list[int]:
        """Prefetch `with_dependency_ids()` for a page, or set it when read otherwise (the
        one-statement claim and completion read the ids with the task)."""
        return [link.depends_on_id for link in self.dependency_links.all()]


class TaskDependency(models.Model):
    """`task` may start only once `depends_on` is completed. Both ends share one project."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="dependency_links")
    depends_on = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="dependent_links")

    class Meta:
        ordering = ["task_id", "depends_on_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "depends_on"],
                name="%(app_label)s_%(class)s_unique_edge",
                violation_error_message="This dependency already exists.",
            ),
            models.CheckConstraint(
                condition=~Q(task=F("depends_on")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message="A task cannot depend on itself.",
            ),
        ]

    def __str__(self):
        return f"{self.task_id} after {self.depends_on_id}"


class TaskAttempt(models.Model):
    """One lease of a task: who claimed it, when, and how the lease ended.

    Opened by the claim (one row per task claimed); closed when the lease ends, whichever way
    it ends. `number` is the task's attempt counter at the claim: a released attempt is not
    counted, so the claim after a release carries the same number again.
    """

    class Outcome(models.TextChoices):
        COMPLETED = "completed"
        FAILED = "failed"  # reported failed (retried later if attempts are left)
        RELEASED = "released"  # given back unrun by its worker or an operator
        LEASE_EXPIRED = "lease_expired", "lease expired"  # the worker went silent
        REQUEUED = "requeued"  # moved back to the queue by an edit or a project regenerate
        DELETED = "deleted"  # the task (or its project) was deleted while it ran

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attempt_records")
    number = models.PositiveIntegerField()
    worker_id = models.CharField(max_length=255, null=True, blank=True)
    lease_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, null=True, blank=True)
    error_message = models.TextField(null=True, blank=True)

    class Meta:
        # The foreign key's index serves the task page. The closing UPDATE finds the open
        # attempt through a partial index of open attempts only (one entry per running task,
        # whatever the history): the one-statement completion's plan is prepared once,
        # generic, and without it would scan the attempts.
        ordering = ["task_id", "claimed_at", "id"]
        indexes = [
            models.Index(
                fields=["task"],
                name="tasks_attempt_open",
                condition=Q(finished_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"task #{self.task_id} attempt {self.number}"

    @property
    def duration(self):
        return self.finished_at - self.claimed_at if self.finished_at else None


class TaskConfig(TimestampedModel):
    """A worker config chosen for one task, with the task's own values on top of it.

    Owned by tasks (the claim hands each task its merged configs), pointing down at
    workerconfigs; it lived in workerconfigs until the floors were enforced.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="config_links")
    config = models.ForeignKey(
        "workerconfigs.WorkerConfig", on_delete=models.CASCADE, related_name="task_links"
    )
    override_data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["task_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "config"],
                name="%(app_label)s_%(class)s_unique_task_config",
                violation_error_message="This worker config is already assigned to this task.",
            )
        ]

    def __str__(self):
        return f"task {self.task_id} ← config {self.config_id}"
