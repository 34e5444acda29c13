"""Soft delete, restore and "lock the live row": the steps every app's services share.

Each service keeps its own extra steps (its audit entry, a project's tasks, a unique value
that a live row may have taken meanwhile); these only stamp, clear and lock.
"""

from datetime import datetime

from django.db.models import Model, QuerySet
from django.utils import timezone

from core.exceptions import NotFoundError


def _queryset(source: type[Model] | QuerySet) -> QuerySet:
    return source if isinstance(source, QuerySet) else source._default_manager.all()


def lock_live(source: type[Model] | QuerySet, *, not_found: str, **lookup) -> Model:
    """The live row matching `lookup`, locked until the transaction ends; else the 404.

    A view looked the row up before the service's transaction began: a concurrent DELETE
    may have soft-deleted it since, and the default manager no longer sees it.
    """
    row = _queryset(source).select_for_update().filter(**lookup).first()
    if row is None:
        raise NotFoundError(not_found)
    return row


def lock_with_deleted(model: type[Model], pk) -> Model:
    """The row, deleted or not, locked: what a restore starts from."""
    return model.all_objects.select_for_update().get(pk=pk)


def soft_delete(instance: Model, *, at: datetime | None = None) -> bool:
    """Stamp `deleted_at` on the live row; False when it was gone already (deleted twice).

    `at`: the time rows deleted with it were stamped with (a restore brings back those).
    """
    now = at or timezone.now()
    # One conditional UPDATE: of two concurrent DELETEs only one stamps (and records) it.
    live_row = _queryset(type(instance)).filter(pk=instance.pk)
    deleted = live_row.update(deleted_at=now, updated_at=now)
    if deleted:
        instance.deleted_at = now
    return bool(deleted)


def restore(instance: Model) -> None:
    """Clear `deleted_at` (the caller locked the row and checked what a live row may hold)."""
    instance.deleted_at = None
    instance.save(update_fields=["deleted_at", "updated_at"])
