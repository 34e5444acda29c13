from django.db import models
from django.db.models import Q

from core.models import SoftDeleteModel

MIN_SCORE, MAX_SCORE = 0, 5
# Where inspirations come from: the contract's two, and the demo's. `source` stays free text
# in the API; the console offers these (and keeps any other stored value).
KNOWN_SOURCES = ("user_input", "ai_generated", "demo")


class Inspiration(SoftDeleteModel):
    """An idea for a video, written by a person or an n8n workflow, reviewed by operators.

    Status transitions: draft → approved, rejected, generating; generating → draft, failed;
    rejected → draft, generating; failed → draft, generating; approved is final.
    """

    class Status(models.TextChoices):
        DRAFT = "draft"
        GENERATING = "generating"
        APPROVED = "approved"
        REJECTED = "rejected"
        FAILED = "failed"

    TRANSITIONS = {
        Status.DRAFT: frozenset({Status.APPROVED, Status.REJECTED, Status.GENERATING}),
        Status.GENERATING: frozenset({Status.DRAFT, Status.FAILED}),
        Status.REJECTED: frozenset({Status.DRAFT, Status.GENERATING}),
        Status.FAILED: frozenset({Status.DRAFT, Status.GENERATING}),
        Status.APPROVED: frozenset(),
    }

    title = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    project_type_code = models.CharField(max_length=100, null=True, blank=True, db_index=True)
    source = models.CharField(max_length=100, null=True, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    score = models.FloatField(null=True, blank=True)
    score_details = models.JSONField(null=True, blank=True)
    review_notes = models.TextField(null=True, blank=True)
    error_message = models.TextField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=MIN_SCORE, score__lte=MAX_SCORE),
                name="%(app_label)s_%(class)s_score_range",
                violation_error_message=f"score must be between {MIN_SCORE} and {MAX_SCORE}.",
            )
        ]

    def __str__(self):
        return self.title
