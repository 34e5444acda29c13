"""Assets in the console go through asset_create / asset_update: a duplicate file_hash is an
error beside the field, never a 500."""

from assets.models import Asset
from assets.testing import sha256
from core.testing_console import errors_beside, shows_typed

ADD = "/admin/assets/asset/add/"


def form(**changes):
    return {
        "name": "intro",
        "description": "",
        "asset_type": "video",
        "status": "PENDING_ANALYSIS",
        "visibility": "private",
        "storage_path": "",
        "original_filename": "",
        "file_hash": "",
        "duration_seconds": "",
        "source": "",
        "asset_metadata": "",
        **changes,
    }


def test_adding_a_duplicate_hash_names_the_asset_that_has_it(admin_client, make_asset):
    existing = make_asset(name="the original", file_hash=sha256("x"))
    response = admin_client.post(ADD, form(name="a copy", file_hash=sha256("x")))
    assert errors_beside(response, "file_hash") == [
        f"An asset with this file_hash already exists. (asset #{existing.pk} the original)"
    ]
    assert shows_typed(response, "a copy")
    assert Asset.objects.count() == 1


def test_changing_to_a_taken_hash_is_an_error_beside_the_field(admin_client, make_asset):
    make_asset(name="first", file_hash=sha256("x"))
    second = make_asset(name="second", file_hash=sha256("y"))
    url = f"/admin/assets/asset/{second.pk}/change/"
    response = admin_client.post(url, form(name="second", file_hash=sha256("x")))
    assert errors_beside(response, "file_hash") == ["An asset with this file_hash already exists."]
    second.refresh_from_db()
    assert second.file_hash == sha256("y")


def test_asset_metadata_must_be_an_object_and_blank_is_empty(admin_client):
    response = admin_client.post(ADD, form(asset_metadata='"just text"'))
    assert errors_beside(response, "asset_metadata") == ["Must be a JSON object."]
    assert admin_client.post(ADD, form()).status_code == 302
    assert Asset.objects.get().asset_metadata == {}
