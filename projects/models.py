from django.db import models
from django.db.models import Q

from core.models import SoftDeleteModel


class ProjectType(SoftDeleteModel):
    """A kind of project and the task graph each new project of that kind starts with.

    `task_template` is a list of
    {key, task_type, depends_on: [keys], task_input, priority, max_attempts, platform}.
    """

    code = models.SlugField(max_length=100)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    category = models.CharField(max_length=100, blank=True, default="", db_index=True)
    sort_order = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    default_parameters = models.JSONField(default=dict, blank=True)
    parameter_schema = models.JSONField(null=True, blank=True)
    task_template = models.JSONField(default=list, blank=True)
    # Not URLFields: Django's URL validator refuses single-label hosts (http://n8n:5678/…, the
    # usual address inside docker compose). What may be stored is decided by
    # core.workflow_urls (http/https, an allow-listed host), checked by the services.
    inspiration_workflow_url = models.CharField(max_length=500, blank=True, default="")
    transform_workflow_url = models.CharField(max_length=500, blank=True, default="")
    execution_workflow_url = models.CharField(max_length=500, blank=True, default="")

    WORKFLOW_URL_FIELDS = (
        "inspiration_workflow_url",
        "transform_workflow_url",
        "execution_workflow_url",
    )

    class Meta:
        ordering = ["sort_order", "code"]
        permissions = [
            ("set_workflow_urls", "Can set the n8n workflow URLs of a project type"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(deleted_at__isnull=True),
                name="%(app_label)s_%(class)s_unique_live_code",
                violation_error_message="A project type with this code already exists.",
            )
        ]

    def __str__(self):
        return self.code


class Project(SoftDeleteModel):
    """One video in the making: its parameters, its review, and the counters of its task graph.

    The status follows its tasks (see tasks.services); operators may also move it by hand
    within TRANSITIONS.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        PROCESSING = "processing"
        COMPLETED = "completed"
        FAILED = "failed"

    TRANSITIONS = {
        Status.PENDING: frozenset({Status.PROCESSING, Status.FAILED}),
        Status.PROCESSING: frozenset({Status.COMPLETED, Status.FAILED}),
        Status.COMPLETED: frozenset({Status.PROCESSING}),
        Status.FAILED: frozenset({Status.PENDING, Status.PROCESSING}),
    }

    name = models.CharField(max_length=255)
    project_type = models.CharField(max_length=100, db_index=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    initial_parameters = models.JSONField(default=dict, blank=True)
    inspiration = models.ForeignKey(
        "inspirations.Inspiration",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    score = models.FloatField(null=True, blank=True)
    score_details = models.JSONField(null=True, blank=True)
    review_notes = models.TextField(null=True, blank=True)
    used_transform_workflow_id = models.CharField(max_length=255, null=True, blank=True)
    used_execution_workflow_id = models.CharField(max_length=255, null=True, blank=True)
    total_tasks = models.PositiveIntegerField(default=0)
    completed_tasks = models.PositiveIntegerField(default=0)
    failed_tasks = models.PositiveIntegerField(default=0)
    output_asset = models.ForeignKey(
        "assets.Asset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name
