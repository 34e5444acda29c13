"""List filters of the account list that the console's overview links to."""

from django.contrib import admin


class QuotaListFilter(admin.SimpleListFilter):
    """Today's quota, by the accounts' own expression (`PlatformAccountQuerySet.with_quota`)."""

    title = "quota today"
    parameter_name = "quota"

    def lookups(self, request, model_admin):
        return [("exhausted", "Exhausted"), ("left", "Some left")]

    def queryset(self, request, queryset):
        if self.value() == "exhausted":
            return queryset.with_quota().filter(quota_remaining=0)
        if self.value() == "left":
            return queryset.with_quota().filter(quota_remaining__gt=0)
        return queryset
