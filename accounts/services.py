"""Every change to platform accounts. Each function runs in one transaction.

Usage counts for one UTC day (`usage_date`). Readers compute today's usage by the one quota
rule (`accounts.models`: `PlatformAccount.objects.with_quota()` in SQL, `daily_quota` for a
loaded row); writers store today's (count, day) pair before touching it, so the count
restarts at midnight without any scheduled job.
"""

from collections.abc import Mapping
from contextlib import contextmanager
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from accounts.crypto import MASK, encrypt_credentials, key_fingerprints, rotate_token
from accounts.models import (
    CredentialsKeyFingerprint,
    PlatformAccount,
    used_today_expression,
    utc_today,
)
from core import audit
from core.exceptions import ApplicationError
from core.model_update import check_updatable, model_update
from core.soft_delete import lock_live, lock_with_deleted, restore, soft_delete

ACCOUNT_NOT_FOUND = "Platform account not found"
DUPLICATE_NAME = "name: An account of this platform with this name already exists."
# What a client or the console may change; usage is the quota's (reset-usage, claims), and the
# credentials arrive in clear as their own argument.
ACCOUNT_UPDATABLE_FIELDS = ("platform", "name", "status", "daily_limit")
# Written by account_update itself, never from its caller's arguments.
KEPT_FIELDS = ("credentials_encrypted", "used_today", "usage_date")


@transaction.atomic
def account_create(
    *,
    platform: str,
    name: str,
    credentials: dict | None = None,
    status: str = PlatformAccount.Status.ACTIVE,
    daily_limit: int = 100,
) -> PlatformAccount:
    """Create an account; its credentials are stored encrypted."""
    _check_credentials(credentials)
    account = PlatformAccount(
        platform=platform,
        name=name,
        credentials_encrypted=encrypt_credentials(credentials or {}),
        status=status,
        daily_limit=daily_limit,
        used_today=0,
        usage_date=utc_today(),
    )
    _save_unique(account, force_insert=True)
    credentials_key_record()
    audit.record(
        action="account.create",
        target=account,
        to_status=account.status,
        reason="credentials stored" if credentials else "",
    )
    return account


@transaction.atomic
def account_update(
    *, account: PlatformAccount, credentials: dict | None = None, **fields
) -> PlatformAccount:
    """Change the given fields; credentials, when given, replace the stored ones."""
    _check_credentials(credentials)
    check_updatable(model=PlatformAccount, fields=ACCOUNT_UPDATABLE_FIELDS, data=fields)
    account = _lock_live(account.pk)
    old_status, before = account.status, audit.field_values(account, fields)
    changes = audit.changes_between(before, fields)
    changes.pop("status", None)
    data = dict(fields)
    if credentials is not None:
        data["credentials_encrypted"] = encrypt_credentials(credentials)
        changes["credentials"] = [audit.HIDDEN, audit.HIDDEN]
        credentials_key_record()
    if account.usage_date != utc_today():
        # Yesterday's count is today's 0: a write resets the stored pair.
        data.update(used_today=0, usage_date=utc_today())
    with _name_kept_unique(account):
        model_update(instance=account, fields=(*ACCOUNT_UPDATABLE_FIELDS, *KEPT_FIELDS), data=data)
    audit.record_if_changed(
        action="account.update",
        target=account,
        **audit.status_move(old_status, account.status),
        reason="credentials replaced" if credentials is not None else "",
        changes=changes,
    )
    return account


@transaction.atomic
def account_delete(*, account: PlatformAccount) -> None:
    """Soft-delete the account: it is no longer listed, available or claimable."""
    if soft_delete(account):
        audit.record(action="account.delete", target=account)


@transaction.atomic
def account_restore(*, account: PlatformAccount) -> PlatformAccount:
    """Bring a soft-deleted account back, unless a live one has taken its name since."""
    account = lock_with_deleted(PlatformAccount, account.pk)
    if account.deleted_at is None:
        return account
    try:
        with _name_kept_unique(account):
            restore(account)
    except ApplicationError:
        raise ApplicationError(
            f"Platform account {account.pk} cannot be restored: a live {account.platform} "
            f"account is named {account.name!r}."
        ) from None
    audit.record(action="account.restore", target=account)
    return account


@transaction.atomic
def account_reset_usage(*, account: PlatformAccount, used_today: int = 0) -> PlatformAccount:
    """Set today's usage of one account (0 by default)."""
    account = _lock_live(account.pk)
    used_before = account.effective_used_today
    account.used_today = used_today
    account.usage_date = utc_today()
    account.save(update_fields=["used_today", "usage_date", "updated_at"])
    audit.record(
        action="account.reset_usage",
        target=account,
        changes={"used_today": [used_before, used_today]},
    )
    return account


@transaction.atomic
def accounts_reset_daily_usage() -> int:
    """Set today's usage of every live account to 0; returns how many were reset."""
    accounts = list(PlatformAccount.objects.order_by("id").select_for_update())
    PlatformAccount.objects.filter(id__in=[a.id for a in accounts]).update(
        used_today=0, usage_date=utc_today(), updated_at=timezone.now()
    )
    audit.record_many(
        audit.entry(
            action="account.reset_usage",
            target=account,
            changes={"used_today": [account.effective_used_today, 0]},
        )
        for account in accounts
    )
    return len(accounts)


# No savepoint when nested: one statement, and the claim that calls it counts its queries.
@transaction.atomic(savepoint=False)
def accounts_count_uses(*, uses: Mapping[int, int], now: datetime | None = None) -> None:
    """Add today's uses to accounts (`{account_id: n}`), in one UPDATE.

    For a caller that has locked the rows and checked their remaining quota under the lock
    (the claim): the check and this count then see the same usage. A count stored for
    another day restarts at n, by the same `used_today_expression` the readers use.
    """
    if not uses:
        return
    today, now = utc_today(), now or timezone.now()
    PlatformAccount.all_objects.filter(id__in=uses).update(
        used_today=Case(
            *[
                When(id=account_id, then=used_today_expression(today) + Value(n))
                for account_id, n in uses.items()
            ],
            output_field=PlatformAccount._meta.get_field("used_today"),
        ),
        usage_date=today,
        last_used_at=now,
        updated_at=now,
    )


@transaction.atomic
def accounts_rotate_credentials() -> int:
    """Re-encrypt every account's credentials with the first configured key; returns the count."""
    accounts = list(
        PlatformAccount.all_objects.exclude(credentials_encrypted="")
        .order_by("id")
        .select_for_update()
        .only("id", "credentials_encrypted")
    )
    for account in accounts:
        account.credentials_encrypted = rotate_token(account.credentials_encrypted)
    PlatformAccount.all_objects.bulk_update(accounts, ["credentials_encrypted"], batch_size=500)
    credentials_key_record()
    # The accounts were read with `only`: their names are not needed, nor fetched.
    audit.record_many(
        audit.entry(
            action="account.rotate_credentials",
            target_model=PlatformAccount,
            target_id=account.id,
            target_repr=f"account {account.id}",
            reason="credentials re-encrypted with the first configured key",
        )
        for account in accounts
    )
    return len(accounts)


# No savepoint when nested: one statement, inside the transaction that encrypted.
@transaction.atomic(savepoint=False)
def credentials_key_record() -> None:
    """Record the fingerprint of the key credentials are encrypted with now (the first)."""
    # One upsert, safe when two first writes race; it locks the one row until commit, which
    # serialises credentials writes (rare: the console and the API's account CRUD).
    CredentialsKeyFingerprint.objects.bulk_create(
        [
            CredentialsKeyFingerprint(
                id=CredentialsKeyFingerprint.ONLY_ROW_ID,
                fingerprint=key_fingerprints()[0],
                recorded_at=timezone.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["fingerprint", "recorded_at"],
    )


def _lock_live(account_id: int) -> PlatformAccount:
    return lock_live(PlatformAccount, pk=account_id, not_found=ACCOUNT_NOT_FOUND)


def _check_credentials(credentials: dict | None) -> None:
    # A client that sends back what it read would overwrite the secret with the mask.
    for key, value in (credentials or {}).items():
        if value == MASK:
            raise ApplicationError(
                f'credentials: The value of "{key}" is the mask; send the real credential or '
                "leave credentials out."
            )


def _save_unique(account: PlatformAccount, **save_kwargs) -> None:
    with _name_kept_unique(account):
        account.save(**save_kwargs)


@contextmanager
def _name_kept_unique(account: PlatformAccount):
    """Run a write of the account; a name a live account of its platform holds is a 400."""
    try:
        # A savepoint: after a failed write, PostgreSQL lets the transaction go on from here.
        with transaction.atomic():
            yield
    except IntegrityError:
        # The one unique rule is (platform, name) among live accounts; a concurrent request may
        # have taken the name since any check we could make before saving.
        clash = PlatformAccount.objects.filter(platform=account.platform, name=account.name)
        if not clash.exclude(pk=account.pk).exists():
            raise
        raise ApplicationError(DUPLICATE_NAME) from None
