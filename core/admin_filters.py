"""List filters of core's admin lists that the console's overview links to."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.utils import timezone

from core.models import WorkflowRun


class PendingTooLongListFilter(admin.SimpleListFilter):
    """Runs pending for longer than WORKFLOW_RUN_PENDING_TOO_LONG_MINUTES since they were
    created or retried (`updated_at`): a run is sent right after its transaction commits, so
    one still pending was never sent, or its process died while sending."""

    title = "pending"
    parameter_name = "pending"

    @staticmethod
    def minutes() -> int:
        return settings.WORKFLOW_RUN_PENDING_TOO_LONG_MINUTES

    def lookups(self, request, model_admin):
        return [("too_long", f"Longer than {self.minutes()} min")]

    def queryset(self, request, queryset):
        if self.value() == "too_long":
            since = timezone.now() - timedelta(minutes=self.minutes())
            return queryset.filter(state=WorkflowRun.State.PENDING, updated_at__lt=since)
        return queryset
