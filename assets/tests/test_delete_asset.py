import pytest

from assets.models import Asset
from assets.testing import sha256
from core.testing import error, ok


@pytest.mark.parametrize("suffix", ["", "/"])
def test_delete_answers_the_contract_message(api, make_asset, suffix):
    asset = make_asset()
    data = ok(api.delete(f"/api/assets/{asset.id}{suffix}"))
    assert data == {"message": "Asset deleted successfully"}


def test_the_row_stays_with_deleted_at(api, make_asset):
    asset = make_asset(name="kept row")
    ok(api.delete(f"/api/assets/{asset.id}"))
    row = Asset.all_objects.get(id=asset.id)
    assert row.deleted_at is not None
    assert row.name == "kept row"
    assert not Asset.objects.filter(id=asset.id).exists()


def test_deleted_asset_disappears_everywhere(api, make_asset):
    digest = sha256("x")
    asset = make_asset(asset_type="image", file_hash=digest)
    ok(api.delete(f"/api/assets/{asset.id}"))
    assert ok(api.get("/api/assets")) == []
    assert ok(api.get("/api/assets/by-type/image")) == []
    assert error(api.get(f"/api/assets/by-hash/{digest}"), 404) == "Asset not found"


def test_deleting_twice_is_a_404(api, make_asset):
    asset = make_asset()
    ok(api.delete(f"/api/assets/{asset.id}"))
    assert error(api.delete(f"/api/assets/{asset.id}"), 404) == "Asset not found"


def test_unknown_id_is_a_404(api):
    assert error(api.delete("/api/assets/31337"), 404) == "Asset not found"


def test_no_token_is_refused_and_nothing_is_deleted(anon, make_asset):
    asset = make_asset()
    assert error(anon.delete(f"/api/assets/{asset.id}"), 401)
    assert Asset.objects.filter(id=asset.id).exists()
