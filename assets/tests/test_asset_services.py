import threading

import pytest
from django.db import connection

from assets import services
from assets.models import Asset
from assets.testing import sha256
from core.exceptions import ApplicationError


def test_create_returns_the_live_asset_with_the_same_hash(db):
    digest = sha256("a")
    first, created = services.asset_create(name="one", asset_type="video", file_hash=digest)
    again, created_again = services.asset_create(name="two", asset_type="image", file_hash=digest)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.name == "one"


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_of_one_hash_make_one_asset():
    digest = sha256("raced")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def create(index):
        try:
            barrier.wait()
            asset, created = services.asset_create(
                name=f"racer {index}", asset_type="video", file_hash=digest
            )
            results.append((asset.pk, created))
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Asset.all_objects.filter(file_hash=digest).count() == 1
    assert {pk for pk, _ in results} == {Asset.objects.get(file_hash=digest).pk}
    assert sorted(created for _, created in results) == [False, False, False, True]


def test_restore_brings_a_deleted_asset_back(db):
    asset, _ = services.asset_create(name="a", asset_type="text", file_hash=sha256("a"))
    services.asset_delete(asset=asset)
    restored = services.asset_restore(asset=asset)
    assert restored.deleted_at is None
    assert Asset.objects.filter(pk=asset.pk).exists()


def test_restore_refuses_when_a_live_asset_took_the_hash(db):
    digest = sha256("a")
    old, _ = services.asset_create(name="old", asset_type="text", file_hash=digest)
    services.asset_delete(asset=old)
    services.asset_create(name="new", asset_type="text", file_hash=digest)
    with pytest.raises(ApplicationError, match=f"Asset {old.pk} cannot be restored"):
        services.asset_restore(asset=old)
    assert Asset.all_objects.get(pk=old.pk).deleted_at is not None
