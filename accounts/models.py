from datetime import date

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from core.models import LiveManager, LiveQuerySet, SoftDeleteModel


def utc_today() -> date:
    """The day quotas count for: a UTC date, whatever the server's local time zone."""
    return timezone.now().date()


def effective_used_today_expression(today: date):
    """`used_today` as the database sees it today: the stored count belongs to `usage_date`."""
    return Case(When(usage_date=today, then=F("used_today")), default=Value(0))


class PlatformAccountQuerySet(LiveQuerySet):
    def with_remaining_quota(self):
        """Alias `quota_left` (remaining quota today) for filtering and ordering in SQL."""
        used = effective_used_today_expression(utc_today())
        return self.alias(quota_left=Greatest(F("daily_limit") - used, Value(0)))

    def available(self):
        """Active accounts with quota left today, most remaining quota first."""
        return (
            self.with_remaining_quota()
            .filter(status=PlatformAccount.Status.ACTIVE, deleted_at__isnull=True, quota_left__gt=0)
            .order_by("-quota_left", "id")
        )


class PlatformAccountManager(LiveManager.from_queryset(PlatformAccountQuerySet)):
    pass


class PlatformAccount(SoftDeleteModel):
    """An account on a generation platform, with a daily request quota.

    `used_today` counts for the UTC day `usage_date`; on a later day the usage reads as 0
    (`effective_used_today`) and the stored pair is reset by the next write, so no cron job is
    needed at midnight.
    """

    class Platform(models.TextChoices):
        DREAMINA = "dreamina"
        MIDJOURNEY = "midjourney"
        RUNWAY = "runway"

    class Status(models.TextChoices):
        ACTIVE = "active"
        INACTIVE = "inactive"

    platform = models.CharField(max_length=32, choices=Platform.choices, db_index=True)
    name = models.CharField(max_length=255)
    # Fernet token of the credentials JSON (accounts.crypto); never the plaintext.
    credentials_encrypted = models.TextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    daily_limit = models.PositiveIntegerField(default=100)
    used_today = models.PositiveIntegerField(default=0)
    usage_date = models.DateField(default=utc_today)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = PlatformAccountManager()
    all_objects = models.Manager.from_queryset(PlatformAccountQuerySet)()

    class Meta:
        ordering = ["platform", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "name"],
                condition=Q(deleted_at__isnull=True),
                name="%(app_label)s_%(class)s_unique_live_platform_name",
                violation_error_message="An account of this platform with this name exists.",
            )
        ]

    def __str__(self):
        return f"{self.platform}:{self.name}"

    @property
    def effective_used_today(self) -> int:
        return self.used_today if self.usage_date == utc_today() else 0

    @property
    def remaining_quota(self) -> int:
        return max(0, self.daily_limit - self.effective_used_today)

    @property
    def is_available(self) -> bool:
        return (
            self.status == self.Status.ACTIVE
            and self.deleted_at is None
            and self.remaining_quota > 0
        )
