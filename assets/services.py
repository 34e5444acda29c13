"""Every change to assets. Each function runs in one transaction."""

from django.db import IntegrityError, transaction

from assets.models import DUPLICATE_FILE_HASH_MESSAGE, Asset
from core import audit
from core.exceptions import ApplicationError
from core.model_update import model_update
from core.soft_delete import lock_live, lock_with_deleted, restore, soft_delete

ASSET_NOT_FOUND = "Asset not found"
ASSET_UPDATABLE_FIELDS = (
    "name",
    "asset_type",
    "description",
    "storage_path",
    "asset_metadata",
    "duration_seconds",
    "source",
    "visibility",
    "status",
    "file_hash",
    "original_filename",
)


@transaction.atomic
def asset_create(
    *,
    name: str,
    asset_type: str,
    description: str | None = None,
    storage_path: str | None = None,
    asset_metadata: dict | None = None,
    duration_seconds: float | None = None,
    source: str | None = None,
    visibility: str = Asset.Visibility.PRIVATE,
    status: str = Asset.Status.PENDING_ANALYSIS,
    file_hash: str | None = None,
    original_filename: str | None = None,
) -> tuple[Asset, bool]:
    """Create an asset, or return the live asset with the same file_hash (created=False)."""
    if file_hash is not None:
        existing = Asset.objects.filter(file_hash=file_hash).first()
        if existing is not None:
            return existing, False
    asset = Asset(
        name=name,
        asset_type=asset_type,
        description=description,
        storage_path=storage_path,
        asset_metadata=asset_metadata or {},
        duration_seconds=duration_seconds,
        source=source,
        visibility=visibility,
        status=status,
        file_hash=file_hash,
        original_filename=original_filename,
    )
    try:
        # A savepoint: when a concurrent request inserts the same hash first, PostgreSQL
        # aborts only this INSERT and the transaction can still read the winner's row.
        with transaction.atomic():
            asset.save(force_insert=True)
    except IntegrityError:
        existing = Asset.objects.filter(file_hash=file_hash).first() if file_hash else None
        if existing is None:
            raise
        return existing, False
    audit.record(action="asset.create", target=asset, to_status=asset.status)
    return asset, True


@transaction.atomic
def asset_update(*, asset: Asset, **data) -> Asset:
    """Change the given fields of a live asset; its file_hash must stay unique among live ones."""
    asset = _lock_live(asset.pk)
    old_status, before = asset.status, audit.field_values(asset, data)
    new_hash = data.get("file_hash")
    if new_hash and Asset.objects.filter(file_hash=new_hash).exclude(pk=asset.pk).exists():
        raise ApplicationError(f"file_hash: {DUPLICATE_FILE_HASH_MESSAGE}")
    try:
        with transaction.atomic():
            model_update(instance=asset, fields=ASSET_UPDATABLE_FIELDS, data=data)
    except IntegrityError:
        # Another request gave a live asset this hash between our check and the save.
        raise ApplicationError(f"file_hash: {DUPLICATE_FILE_HASH_MESSAGE}") from None
    changes = audit.changes_between(before, data)
    changes.pop("status", None)
    audit.record_if_changed(
        action="asset.update",
        target=asset,
        **audit.status_move(old_status, asset.status),
        changes=changes,
    )
    return asset


@transaction.atomic
def asset_delete(*, asset: Asset) -> None:
    """Soft-delete the asset: it disappears from the API and frees its file_hash."""
    if soft_delete(asset):
        audit.record(action="asset.delete", target=asset)


@transaction.atomic
def asset_restore(*, asset: Asset) -> Asset:
    """Bring a soft-deleted asset back, unless a live asset has taken its file_hash since."""
    asset = lock_with_deleted(Asset, asset.pk)
    if asset.deleted_at is None:
        return asset
    if asset.file_hash and Asset.objects.filter(file_hash=asset.file_hash).exists():
        raise ApplicationError(
            f"Asset {asset.pk} cannot be restored: a live asset has its file_hash."
        )
    try:
        with transaction.atomic():
            restore(asset)
    except IntegrityError:
        raise ApplicationError(
            f"Asset {asset.pk} cannot be restored: a live asset has its file_hash."
        ) from None
    audit.record(action="asset.restore", target=asset)
    return asset


def _lock_live(asset_id: int) -> Asset:
    return lock_live(Asset, pk=asset_id, not_found=ASSET_NOT_FOUND)
