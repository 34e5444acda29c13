import pytest

from accounts import services
from accounts.models import PlatformAccount


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
