from core.filters import FilterSet
from workerconfigs.models import WorkerConfig


class WorkerConfigFilter(FilterSet):
    """Without `is_active` in the query only active configs are listed (DELETE deactivates)."""

    class Meta:
        model = WorkerConfig
        fields = ["worker_type", "config_type", "is_active"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("is_active") is None:
            queryset = queryset.filter(is_active=True)
        return queryset
