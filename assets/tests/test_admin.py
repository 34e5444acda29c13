from assets.models import Asset
from assets.testing import sha256


def test_changelist_shows_live_and_deleted_assets(admin_client, make_asset):
    make_asset(name="alive asset")
    gone = make_asset(name="deleted asset")
    Asset.objects.filter(pk=gone.pk).update(deleted_at=gone.created_at)
    page = admin_client.get("/admin/assets/asset/").content.decode()
    assert "alive asset" in page and "deleted asset" not in page
    page = admin_client.get("/admin/assets/asset/?deleted=all").content.decode()
    assert "alive asset" in page and "deleted asset" in page
    deleted_only = admin_client.get("/admin/assets/asset/?deleted=yes").content.decode()
    assert "deleted asset" in deleted_only and "alive asset" not in deleted_only


def test_search_by_exact_hash(admin_client, make_asset):
    digest = sha256("x")
    make_asset(name="hashed one", file_hash=digest)
    make_asset(name="other one")
    page = admin_client.get(f"/admin/assets/asset/?q={digest}").content.decode()
    assert "hashed one" in page and "other one" not in page


def test_change_page_of_a_deleted_asset_opens(admin_client, make_asset):
    asset = make_asset()
    Asset.objects.filter(pk=asset.pk).update(deleted_at=asset.created_at)
    assert admin_client.get(f"/admin/assets/asset/{asset.pk}/change/").status_code == 200


def test_restore_action_restores(admin_client, make_asset):
    asset = make_asset()
    Asset.objects.filter(pk=asset.pk).update(deleted_at=asset.created_at)
    response = admin_client.post(
        "/admin/assets/asset/?deleted=yes", {"action": "restore", "_selected_action": [asset.pk]}
    )
    assert response.status_code == 302
    assert Asset.objects.filter(pk=asset.pk).exists()


def test_soft_delete_action_keeps_the_row(admin_client, make_asset):
    asset = make_asset()
    response = admin_client.post(
        "/admin/assets/asset/",
        {"action": "soft_delete", "_selected_action": [asset.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert Asset.all_objects.get(pk=asset.pk).deleted_at is not None


def test_bulk_hard_delete_is_not_offered(admin_client, make_asset):
    make_asset()
    page = admin_client.get("/admin/assets/asset/").content.decode()
    assert 'value="delete_selected"' not in page
    assert 'value="restore"' in page
