import django_filters

from accounts.models import PlatformAccount


class PlatformAccountFilter(django_filters.FilterSet):
    platform = django_filters.MultipleChoiceFilter(choices=PlatformAccount.Platform.choices)
    status = django_filters.MultipleChoiceFilter(choices=PlatformAccount.Status.choices)

    class Meta:
        model = PlatformAccount
        fields = ["platform", "status"]
