from accounts.models import PlatformAccount
from core.filters import FilterSet


class PlatformAccountFilter(FilterSet):
    class Meta:
        model = PlatformAccount
        fields = ["platform", "status"]
