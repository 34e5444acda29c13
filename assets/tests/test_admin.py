import pytest
from django.contrib.auth import get_user_model

from assets.models import Asset
from assets.tests.conftest import sha256


@pytest.fixture
def superuser_client(client, db, settings):
    # The manifest storage needs `collectstatic`; the admin pages only need URLs here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return client


def test_changelist_shows_live_and_deleted_assets(superuser_client, make_asset):
    make_asset(name="alive asset")
    gone = make_asset(name="deleted asset")
    Asset.objects.filter(pk=gone.pk).update(deleted_at=gone.created_at)
    page = superuser_client.get("/admin/assets/asset/").content.decode()
    assert "alive asset" in page and "deleted asset" in page
    deleted_only = superuser_client.get("/admin/assets/asset/?deleted=yes").content.decode()
    assert "deleted asset" in deleted_only and "alive asset" not in deleted_only


def test_search_by_exact_hash(superuser_client, make_asset):
    digest = sha256("x")
    make_asset(name="hashed one", file_hash=digest)
    make_asset(name="other one")
    page = superuser_client.get(f"/admin/assets/asset/?q={digest}").content.decode()
    assert "hashed one" in page and "other one" not in page


def test_change_page_of_a_deleted_asset_opens(superuser_client, make_asset):
    asset = make_asset()
    Asset.objects.filter(pk=asset.pk).update(deleted_at=asset.created_at)
    assert superuser_client.get(f"/admin/assets/asset/{asset.pk}/change/").status_code == 200


def test_restore_action_restores(superuser_client, make_asset):
    asset = make_asset()
    Asset.objects.filter(pk=asset.pk).update(deleted_at=asset.created_at)
    response = superuser_client.post(
        "/admin/assets/asset/", {"action": "restore", "_selected_action": [asset.pk]}
    )
    assert response.status_code == 302
    assert Asset.objects.filter(pk=asset.pk).exists()


def test_soft_delete_action_keeps_the_row(superuser_client, make_asset):
    asset = make_asset()
    response = superuser_client.post(
        "/admin/assets/asset/", {"action": "soft_delete", "_selected_action": [asset.pk]}
    )
    assert response.status_code == 302
    assert Asset.all_objects.get(pk=asset.pk).deleted_at is not None


def test_bulk_hard_delete_is_not_offered(superuser_client, make_asset):
    make_asset()
    page = superuser_client.get("/admin/assets/asset/").content.decode()
    assert 'value="delete_selected"' not in page
    assert 'value="restore"' in page
