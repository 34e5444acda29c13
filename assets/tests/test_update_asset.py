import pytest

from assets.models import Asset
from assets.testing import ASSET_KEYS, sha256
from core.testing import error, ok

# Section 3.4 lists every field as optional; these are the values sent in one request.
FULL_UPDATE = {
    "name": "新名字",
    "description": "新的描述",
    "asset_type": "audio",
    "storage_path": "/storage/audio/voice.mp3",
    "asset_metadata": {"bitrate": 128},
    "duration_seconds": 30.0,
    "source": "tts",
    "visibility": "public",
    "status": "ACTIVE",
}


def test_contract_example_sets_every_field(api, make_asset):
    asset = make_asset(name="old", asset_metadata={"old": True})
    data = ok(api.put(f"/api/assets/{asset.id}", FULL_UPDATE, format="json"))
    assert set(data) == ASSET_KEYS
    assert {key: data[key] for key in FULL_UPDATE} == FULL_UPDATE
    asset.refresh_from_db()
    assert asset.name == "新名字"
    assert asset.asset_metadata == {"bitrate": 128}
    assert asset.status == Asset.Status.ACTIVE


@pytest.mark.parametrize("suffix", ["", "/"])
def test_only_the_fields_sent_change(api, make_asset, suffix):
    asset = make_asset(name="keep", description="keep too", source="upload", status="ACTIVE")
    data = ok(api.put(f"/api/assets/{asset.id}{suffix}", {"status": "ARCHIVED"}, format="json"))
    assert data["status"] == "ARCHIVED"
    assert data["name"] == "keep"
    assert data["description"] == "keep too"
    assert data["source"] == "upload"


def test_empty_body_changes_nothing(api, make_asset):
    asset = make_asset(name="same")
    data = ok(api.put(f"/api/assets/{asset.id}", {}, format="json"))
    assert data["name"] == "same"


def test_nullable_fields_can_be_cleared(api, make_asset):
    asset = make_asset(description="d", duration_seconds=3, source="s", file_hash=sha256("x"))
    body = {"description": None, "duration_seconds": None, "source": None, "file_hash": None}
    data = ok(api.put(f"/api/assets/{asset.id}", body, format="json"))
    assert {key: data[key] for key in body} == body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"asset_type": "movie"},
            'asset_type: "movie" is not a valid choice. Valid choices: video, image, audio, text.',
        ),
        (
            {"visibility": "hidden"},
            'visibility: "hidden" is not a valid choice. Valid choices: private, public.',
        ),
        (
            {"status": "DONE"},
            'status: "DONE" is not a valid choice. '
            "Valid choices: PENDING_ANALYSIS, ACTIVE, ARCHIVED, FAILED.",
        ),
        ({"name": None}, "name: This field may not be null."),
        ({"asset_metadata": None}, "asset_metadata: This field may not be null."),
        ({"asset_metadata": ["a"]}, "asset_metadata: Must be a JSON object."),
        (
            {"duration_seconds": -0.5},
            "duration_seconds: Ensure this value is greater than or equal to 0.",
        ),
        ({"file_hash": "123"}, "file_hash: Must be a SHA-256 digest: 64 hexadecimal characters."),
    ],
)
def test_bad_value_is_refused_by_name_and_nothing_changes(api, make_asset, body, message):
    asset = make_asset(name="before", status="ACTIVE", asset_metadata={"k": 1})
    response = api.put(f"/api/assets/{asset.id}", {"name": "after", **body}, format="json")
    assert error(response, 400) == message
    asset.refresh_from_db()
    assert asset.name == "before"
    assert asset.status == "ACTIVE"
    assert asset.asset_metadata == {"k": 1}


def test_hash_of_another_live_asset_is_refused(api, make_asset):
    digest = sha256("content")
    make_asset(file_hash=digest)
    asset = make_asset(name="before")
    response = api.put(f"/api/assets/{asset.id}", {"name": "x", "file_hash": digest}, format="json")
    assert error(response, 400) == "file_hash: An asset with this file_hash already exists."
    asset.refresh_from_db()
    assert asset.name == "before" and asset.file_hash is None


def test_keeping_its_own_hash_is_allowed(api, make_asset):
    digest = sha256("content")
    asset = make_asset(file_hash=digest)
    data = ok(api.put(f"/api/assets/{asset.id}", {"file_hash": digest}, format="json"))
    assert data["file_hash"] == digest


def test_unknown_id_is_a_404(api):
    response = api.put("/api/assets/424242", {"name": "x"}, format="json")
    assert error(response, 404) == "Asset not found"


def test_deleted_asset_cannot_be_updated(api, make_asset):
    asset = make_asset(name="before")
    ok(api.delete(f"/api/assets/{asset.id}"))
    assert error(api.put(f"/api/assets/{asset.id}", {"name": "x"}, format="json"), 404) == (
        "Asset not found"
    )
    assert Asset.all_objects.get(id=asset.id).name == "before"


def test_no_token_is_refused_and_nothing_changes(anon, make_asset):
    asset = make_asset(name="before")
    assert error(anon.put(f"/api/assets/{asset.id}", {"name": "x"}, format="json"), 401)
    asset.refresh_from_db()
    assert asset.name == "before"
