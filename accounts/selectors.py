"""Reads of platform accounts that other apps compose into their own queries."""

from collections.abc import Sequence
from datetime import date

from django.db import connections

from accounts.models import CredentialsKeyFingerprint, PlatformAccount


def available_accounts_sql(
    *, today: date | None = None, platforms: Sequence[str] | None = None
) -> tuple[str, tuple]:
    """`(sql, params)` of the available accounts' `id`, `platform`, `quota_remaining`.

    Built from `PlatformAccount.objects.available()`, so raw SQL that joins it as a subquery
    (the claim's CTE) applies the one quota rule. Unordered: a subquery needs no order, and
    the caller orders as it needs (`quota_remaining DESC, id` is the accounts' own order).
    Params are adapted for the default database connection, ready for `cursor.execute`.
    """
    accounts = (
        PlatformAccount.objects.available(today=today, platforms=platforms)
        .order_by()
        .values("id", "platform", "quota_remaining")
    )
    return accounts.query.sql_with_params()


def stored_credentials_key_fingerprint(using: str = "default") -> str | None:
    """The fingerprint of the key the stored credentials were last encrypted with; None when
    none was recorded yet, or the table is not migrated yet (a check may run before)."""
    table = CredentialsKeyFingerprint._meta.db_table
    if table not in connections[using].introspection.table_names():
        return None
    return (
        CredentialsKeyFingerprint.objects.using(using)
        .filter(id=CredentialsKeyFingerprint.ONLY_ROW_ID)
        .values_list("fingerprint", flat=True)
        .first()
    )
