from assets.models import Asset
from core.filters import FilterSet


class AssetFilter(FilterSet):
    class Meta:
        model = Asset
        fields = ["asset_type", "status", "visibility"]
