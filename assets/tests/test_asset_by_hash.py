import pytest

from assets.testing import ASSET_KEYS, sha256
from core.testing import error, ok


@pytest.mark.parametrize("suffix", ["", "/"])
def test_finds_the_live_asset_with_that_hash(api, make_asset, suffix):
    digest = sha256("frame")
    asset = make_asset(file_hash=digest, original_filename="frame.png")
    make_asset(file_hash=sha256("other"))
    data = ok(api.get(f"/api/assets/by-hash/{digest}{suffix}"))
    assert set(data) == ASSET_KEYS
    assert data["id"] == asset.id
    assert data["original_filename"] == "frame.png"


def test_upper_case_hash_finds_it_too(api, make_asset):
    digest = sha256("frame")
    asset = make_asset(file_hash=digest)
    assert ok(api.get(f"/api/assets/by-hash/{digest.upper()}"))["id"] == asset.id


def test_unknown_hash_is_a_404(api, make_asset):
    make_asset(file_hash=sha256("frame"))
    assert error(api.get(f"/api/assets/by-hash/{sha256('nope')}"), 404) == "Asset not found"


@pytest.mark.parametrize("bad", ["abc", "z" * 64, "a" * 65])
def test_malformed_hash_is_refused(api, bad):
    assert error(api.get(f"/api/assets/by-hash/{bad}"), 400) == (
        "file_hash: Must be a SHA-256 digest: 64 hexadecimal characters."
    )


def test_no_token_is_refused(anon):
    assert error(anon.get(f"/api/assets/by-hash/{sha256('x')}"), 401)
