from django.db import models

from core.models import SoftDeleteModel


class Asset(SoftDeleteModel):
    """A media file produced or used by the factory: where it is and what it is."""

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
    duration_seconds = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=100, null=True, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    status = models.CharField(
        max_length=32, choices=Status.choices, default=Status.PENDING_ANALYSIS, db_index=True
    )
    file_hash = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    original_filename = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name
