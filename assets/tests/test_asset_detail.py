import pytest

from assets.testing import ASSET_KEYS, EXAMPLE_ASSET
from core.testing import error, ok


@pytest.mark.parametrize("suffix", ["", "/"])
def test_returns_the_asset_as_created(api, suffix):
    created = ok(api.post("/api/assets", EXAMPLE_ASSET, format="json"), 201)
    data = ok(api.get(f"/api/assets/{created['id']}{suffix}"))
    assert set(data) == ASSET_KEYS
    assert data == created


@pytest.mark.parametrize("asset_id", ["999999", str(2**63)])
def test_unknown_id_is_a_404(api, asset_id):
    assert error(api.get(f"/api/assets/{asset_id}"), 404) == "Asset not found"


def test_deleted_asset_is_a_404(api, make_asset):
    asset = make_asset()
    ok(api.delete(f"/api/assets/{asset.id}"))
    assert error(api.get(f"/api/assets/{asset.id}"), 404) == "Asset not found"


def test_no_token_is_refused(anon, make_asset):
    asset = make_asset()
    assert error(anon.get(f"/api/assets/{asset.id}"), 401)
