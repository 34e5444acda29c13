from datetime import date

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from core.models import LiveManager, LiveQuerySet, SoftDeleteModel


def utc_today() -> date:
    """The day quotas count for: a UTC date, whatever the server's local time zone."""
    return timezone.now().date()


def daily_quota(*, daily_limit: int, used_today: int, usage_date: date, today: date):
    """(used, remaining) quota of one loaded row on `today`, as a pair of ints.

    The quota rule in Python, for rows already in memory (properties, admin, overview); it is
    the same rule as `used_today_expression`/`remaining_quota_expression` below, and
    accounts/tests/test_quota_rule.py holds the two equal. The stored count belongs to
    `usage_date`: on any other day it counts as 0.
    """
    used = used_today if usage_date == today else 0
    return used, max(0, daily_limit - used)


def used_today_expression(today: date):
    """`used_today` as the database sees it on `today` (0 when it belongs to another day)."""
    return Case(
        When(usage_date=today, then=F("used_today")),
        default=Value(0),
        output_field=models.IntegerField(),
    )


def remaining_quota_expression(today: date):
    """max(0, daily_limit - used today), in SQL."""
    return Greatest(
        F("daily_limit") - used_today_expression(today),
        Value(0),
        output_field=models.IntegerField(),
    )


class PlatformAccountQuerySet(LiveQuerySet):
    def with_quota(self, today: date | None = None):
        """Annotate `quota_used_today` and `quota_remaining` (on `today`, UTC today by default)."""
        today = today or utc_today()
        return self.annotate(
            quota_used_today=used_today_expression(today),
            quota_remaining=remaining_quota_expression(today),
        )

    def available(self, today: date | None = None, platforms=None):
        """Active, live accounts with quota left, most remaining quota first (then by id)."""
        accounts = self.with_quota(today).filter(
            status=PlatformAccount.Status.ACTIVE, deleted_at__isnull=True, quota_remaining__gt=0
        )
        if platforms is not None:
            accounts = accounts.filter(platform__in=platforms)
        return accounts.order_by("-quota_remaining", "id")


class PlatformAccountManager(LiveManager.from_queryset(PlatformAccountQuerySet)):
    """Live accounts (soft-deleted ones hidden), with the quota methods of the queryset."""


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
    all_objects = PlatformAccountQuerySet.as_manager()

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

    def quota_today(self, today: date | None = None) -> tuple[int, int]:
        """(used, remaining) on `today` (UTC today by default), by the one quota rule."""
        return daily_quota(
            daily_limit=self.daily_limit,
            used_today=self.used_today,
            usage_date=self.usage_date,
            today=today or utc_today(),
        )

    @property
    def effective_used_today(self) -> int:
        return self.quota_today()[0]

    @property
    def remaining_quota(self) -> int:
        return self.quota_today()[1]

    @property
    def is_available(self) -> bool:
        return (
            self.status == self.Status.ACTIVE
            and self.deleted_at is None
            and self.remaining_quota > 0
        )


class CredentialsKeyFingerprint(models.Model):
    """Which key the stored credentials were last encrypted with: its fingerprint, one row.

    Written with every credentials write and by `rotate_credentials`; each host compares it
    with its own keys when it starts (accounts.checks), so a host given the wrong
    SHORTSGEN_CREDENTIALS_KEY refuses to start instead of failing every claim. A fingerprint
    names a key without revealing it (accounts.crypto.key_fingerprint).
    """

    ONLY_ROW_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY_ROW_ID)
    fingerprint = models.CharField(max_length=16)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        # Bookkeeping of the key, not a record anyone edits: no console permissions.
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1),
                name="%(app_label)s_%(class)s_one_row",
                violation_error_message="There is one credentials key fingerprint.",
            )
        ]

    def __str__(self):
        return f"credentials key {self.fingerprint}"
