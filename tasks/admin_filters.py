"""List filters of the task list that the console's overview links to."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

from tasks.models import Task
from tasks.selectors import ready_condition

RECENT_FAILURE_HOURS = 24


class LeaseListFilter(admin.SimpleListFilter):
    title = "lease"
    parameter_name = "lease"

    def lookups(self, request, model_admin):
        return [("expired", "Expired"), ("live", "Live")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "expired":
            return queryset.filter(status=Task.Status.PROCESSING, lease_expires_at__lt=now)
        if self.value() == "live":
            return queryset.filter(status=Task.Status.PROCESSING, lease_expires_at__gte=now)
        return queryset


class ReadyListFilter(admin.SimpleListFilter):
    """Ready to claim, exactly as /api/tasks/stats counts it (`ready_condition`)."""

    title = "ready"
    parameter_name = "ready"

    def lookups(self, request, model_admin):
        return [("yes", "Ready to claim")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(ready_condition(timezone.now()))
        return queryset


class RecentFailureListFilter(admin.SimpleListFilter):
    """Failed within the last 24 h. A failed task changes no more until it is retried, so
    its last change (`updated_at`) is its failure."""

    title = "failed"
    parameter_name = "failed"

    def lookups(self, request, model_admin):
        return [("24h", f"In the last {RECENT_FAILURE_HOURS} h")]

    def queryset(self, request, queryset):
        if self.value() == "24h":
            since = timezone.now() - timedelta(hours=RECENT_FAILURE_HOURS)
            return queryset.filter(status=Task.Status.FAILED, updated_at__gte=since)
        return queryset
