from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from core.models import SoftDeleteModel

SHA256_HEX_MESSAGE = "Must be a SHA-256 digest: 64 hexadecimal characters."
DUPLICATE_FILE_HASH_MESSAGE = "An asset with this file_hash already exists."


class Asset(SoftDeleteModel):
    """A media file produced or used by the factory: where it is and what it is.

    `file_hash` (sha256, lowercase hex) identifies the content: creating an asset whose hash a
    live asset already has returns that asset instead of a copy (see services.asset_create).
    """

    class AssetType(models.TextChoices):
        VIDEO = "video"
        IMAGE = "image"
        AUDIO = "audio"
        TEXT = "text"

    class Visibility(models.TextChoices):
        PRIVATE = "private"
        PUBLIC = "public"

    class Status(models.TextChoices):
        PENDING_ANALYSIS = "PENDING_ANALYSIS"
        ACTIVE = "ACTIVE"
        ARCHIVED = "ARCHIVED"
        FAILED = "FAILED"

    name = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    asset_type = models.CharField(max_length=16, choices=AssetType.choices, db_index=True)
    storage_path = models.CharField(max_length=1024, null=True, blank=True)
    asset_metadata = models.JSONField(default=dict, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    source = models.CharField(max_length=100, null=True, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    status = models.CharField(
        max_length=32, choices=Status.choices, default=Status.PENDING_ANALYSIS, db_index=True
    )
    # No plain index: the partial unique index below serves every lookup (live rows only).
    file_hash = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        validators=[RegexValidator(r"\A[0-9a-f]{64}\Z", SHA256_HEX_MESSAGE)],
    )
    original_filename = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["file_hash"],
                condition=Q(file_hash__isnull=False, deleted_at__isnull=True),
                name="%(app_label)s_%(class)s_unique_live_file_hash",
                violation_error_message=DUPLICATE_FILE_HASH_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds__isnull=True) | Q(duration_seconds__gte=0),
                name="%(app_label)s_%(class)s_duration_not_negative",
                violation_error_message="duration_seconds cannot be negative.",
            ),
        ]

    def __str__(self):
        return self.name
