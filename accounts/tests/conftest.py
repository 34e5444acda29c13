from datetime import datetime, timedelta

import pytest

from accounts import services
from accounts.models import PlatformAccount, utc_today

# The contract's example account (section 5.1), used as a request body.
EXAMPLE_ACCOUNT = {
    "platform": "dreamina",
    "name": "dreamina_account_1",
    "credentials": {"api_key": "sk-live-4f9c2e7d1b", "secret": "shh-9d8c7b6a5f"},
    "status": "active",
    "daily_limit": 100,
}
SECRETS = ["sk-live-4f9c2e7d1b", "shh-9d8c7b6a5f"]
# Every key of the contract's response example (section 5.1).
ACCOUNT_KEYS = {
    "id",
    "platform",
    "name",
    "credentials",
    "status",
    "daily_limit",
    "used_today",
    "last_used_at",
    "is_available",
    "remaining_quota",
    "created_at",
    "updated_at",
}
# The contract's list example (section 5.2) plus last_used_at and updated_at.
LIST_KEYS = {
    "id",
    "platform",
    "name",
    "status",
    "daily_limit",
    "used_today",
    "is_available",
    "remaining_quota",
    "created_at",
    "last_used_at",
    "updated_at",
}


def assert_utc_timestamp(value: str) -> None:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert parsed.utcoffset() == timedelta(0), value


def yesterday():
    return utc_today() - timedelta(days=1)


@pytest.fixture
def make_account(db):
    """An account made through the service, so that its credentials are encrypted."""

    counter = iter(range(1, 10_000))

    def make(**fields) -> PlatformAccount:
        fields.setdefault("platform", PlatformAccount.Platform.DREAMINA)
        fields.setdefault("name", f"account_{next(counter)}")
        fields.setdefault("credentials", {"api_key": "k"})
        used_today = fields.pop("used_today", None)
        usage_date = fields.pop("usage_date", None)
        account = services.account_create(**fields)
        changes = {}
        if used_today is not None:
            changes["used_today"] = used_today
        if usage_date is not None:
            changes["usage_date"] = usage_date
        if changes:
            PlatformAccount.objects.filter(pk=account.pk).update(**changes)
            account.refresh_from_db()
        return account

    return make
