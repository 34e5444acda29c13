import django_filters

from assets.models import Asset


class AssetFilter(django_filters.FilterSet):
    asset_type = django_filters.MultipleChoiceFilter(choices=Asset.AssetType.choices)
    status = django_filters.MultipleChoiceFilter(choices=Asset.Status.choices)
    visibility = django_filters.MultipleChoiceFilter(choices=Asset.Visibility.choices)

    class Meta:
        model = Asset
        fields = ["asset_type", "status", "visibility"]
