"""List filters of the task list that the console's overview links to."""

from django.contrib import admin
from django.utils import timezone

from tasks.models import Task


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
