from django.db import models

from core.models import SoftDeleteModel


class PlatformAccount(SoftDeleteModel):
    """An account on a generation platform, with a daily request quota."""

    class Platform(models.TextChoices):
        DREAMINA = "dreamina"
        MIDJOURNEY = "midjourney"
        RUNWAY = "runway"

    class Status(models.TextChoices):
        ACTIVE = "active"
        INACTIVE = "inactive"

    platform = models.CharField(max_length=32, choices=Platform.choices, db_index=True)
    name = models.CharField(max_length=255)
    # Fernet ciphertext of the credentials JSON; never the plaintext.
    credentials_encrypted = models.TextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    daily_limit = models.PositiveIntegerField(default=100)
    used_today = models.PositiveIntegerField(default=0)
    # The day `used_today` counts for: on a later day the usage is 0 without any cron job.
    usage_date = models.DateField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["platform", "id"]

    def __str__(self):
        return f"{self.platform}:{self.name}"
