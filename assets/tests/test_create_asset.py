import pytest

from assets.models import Asset
from assets.testing import ASSET_KEYS, EXAMPLE_ASSET, sha256
from core.testing import assert_utc_timestamp, error, ok


def test_contract_example_creates_the_asset(api):
    data = ok(api.post("/api/assets", EXAMPLE_ASSET, format="json"), 201)
    assert set(data) == ASSET_KEYS
    assert {key: data[key] for key in EXAMPLE_ASSET} == EXAMPLE_ASSET
    assert data["file_hash"] is None and data["original_filename"] is None
    assert_utc_timestamp(data["created_at"])
    assert_utc_timestamp(data["updated_at"])
    asset = Asset.objects.get(id=data["id"])
    assert asset.name == "测试视频"
    assert asset.asset_metadata == {"resolution": "1920x1080", "fps": 30}


def test_only_name_and_type_are_required(api):
    data = ok(api.post("/api/assets", {"name": "a", "asset_type": "image"}, format="json"), 201)
    assert data["visibility"] == "private"
    assert data["status"] == "PENDING_ANALYSIS"
    assert data["asset_metadata"] == {}
    assert data["description"] is None
    assert data["duration_seconds"] is None


@pytest.mark.parametrize("path", ["/api/assets", "/api/assets/"])
def test_post_works_with_and_without_trailing_slash(api, path):
    ok(api.post(path, {"name": "a", "asset_type": "text"}, format="json"), 201)
    assert Asset.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "asset_type",
            "movie",
            'asset_type: "movie" is not a valid choice. Valid choices: video, image, audio, text.',
        ),
        (
            "visibility",
            "secret",
            'visibility: "secret" is not a valid choice. Valid choices: private, public.',
        ),
        (
            "status",
            "active",
            'status: "active" is not a valid choice. '
            "Valid choices: PENDING_ANALYSIS, ACTIVE, ARCHIVED, FAILED.",
        ),
        ("asset_metadata", [1, 2], "asset_metadata: Must be a JSON object."),
        ("asset_metadata", "{}", "asset_metadata: Must be a JSON object."),
        (
            "duration_seconds",
            -1,
            "duration_seconds: Ensure this value is greater than or equal to 0.",
        ),
        ("duration_seconds", "long", "duration_seconds: A valid number is required."),
        ("name", "", "name: This field may not be blank."),
        ("name", None, "name: This field may not be null."),
        ("name", "x" * 256, "name: Ensure this field has no more than 255 characters."),
        (
            "file_hash",
            "abc",
            "file_hash: Must be a SHA-256 digest: 64 hexadecimal characters.",
        ),
        (
            "file_hash",
            "g" * 64,
            "file_hash: Must be a SHA-256 digest: 64 hexadecimal characters.",
        ),
    ],
)
def test_bad_field_is_refused_by_name_and_nothing_is_created(api, field, value, message):
    body = {**EXAMPLE_ASSET, field: value}
    assert error(api.post("/api/assets", body, format="json"), 400) == message
    assert not Asset.all_objects.exists()


@pytest.mark.parametrize("field", ["name", "asset_type"])
def test_missing_required_field_is_named(api, field):
    body = {key: value for key, value in EXAMPLE_ASSET.items() if key != field}
    assert error(api.post("/api/assets", body, format="json"), 400) == (
        f"{field}: This field is required."
    )
    assert not Asset.all_objects.exists()


def test_file_hash_and_original_filename_are_stored(api):
    digest = sha256("video bytes")
    body = {**EXAMPLE_ASSET, "file_hash": digest, "original_filename": "clip.mp4"}
    data = ok(api.post("/api/assets", body, format="json"), 201)
    assert data["file_hash"] == digest
    assert data["original_filename"] == "clip.mp4"


def test_upper_case_hash_is_stored_in_lower_case(api):
    digest = sha256("video bytes")
    body = {**EXAMPLE_ASSET, "file_hash": digest.upper()}
    assert ok(api.post("/api/assets", body, format="json"), 201)["file_hash"] == digest


def test_known_hash_returns_the_existing_asset_with_200(api):
    digest = sha256("video bytes")
    first = ok(api.post("/api/assets", {**EXAMPLE_ASSET, "file_hash": digest}, format="json"), 201)
    again = {**EXAMPLE_ASSET, "name": "another name", "file_hash": digest.upper()}
    second = ok(api.post("/api/assets", again, format="json"), 200)
    assert second == first
    assert Asset.all_objects.count() == 1


def test_hash_of_a_deleted_asset_creates_a_new_one(api, make_asset):
    digest = sha256("video bytes")
    old = make_asset(file_hash=digest)
    ok(api.delete(f"/api/assets/{old.id}"))
    data = ok(api.post("/api/assets", {**EXAMPLE_ASSET, "file_hash": digest}, format="json"), 201)
    assert data["id"] != old.id
    assert Asset.all_objects.filter(file_hash=digest).count() == 2


def test_assets_without_hash_are_never_merged(api):
    ok(api.post("/api/assets", EXAMPLE_ASSET, format="json"), 201)
    ok(api.post("/api/assets", EXAMPLE_ASSET, format="json"), 201)
    assert Asset.objects.count() == 2


def test_no_token_is_refused_and_nothing_is_created(anon):
    assert error(anon.post("/api/assets", EXAMPLE_ASSET, format="json"), 401)
    assert not Asset.all_objects.exists()
