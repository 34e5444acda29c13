import django_filters
from django import forms

from workerconfigs.models import WorkerConfig


class StrictBooleanField(forms.Field):
    """true/false (or 1/0), any case; anything else is an error, never silently ignored."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}
    default_error_messages = {"invalid": "Must be true or false."}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class WorkerConfigFilter(django_filters.FilterSet):
    """Without `is_active` in the query only active configs are listed (DELETE deactivates)."""

    worker_type = django_filters.CharFilter()
    config_type = django_filters.CharFilter()
    is_active = StrictBooleanFilter()

    class Meta:
        model = WorkerConfig
        fields = ["worker_type", "config_type", "is_active"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("is_active") is None:
            queryset = queryset.filter(is_active=True)
        return queryset
