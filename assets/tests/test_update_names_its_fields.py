import pytest

from assets import services


def test_asset_update_refuses_fields_it_does_not_name(db):
    asset, _ = services.asset_create(name="clip", asset_type="video")
    created_at = asset.created_at
    with pytest.raises(TypeError, match="created_at"):
        services.asset_update(asset=asset, name="x", created_at=None)
    asset.refresh_from_db()
    assert (asset.name, asset.created_at) == ("clip", created_at)
