import pytest

from assets.models import Asset


@pytest.fixture
def make_asset(db):
    def make(**fields) -> Asset:
        fields.setdefault("name", "asset")
        fields.setdefault("asset_type", Asset.AssetType.VIDEO)
        return Asset.objects.create(**fields)

    return make
