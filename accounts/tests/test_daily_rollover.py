"""Usage counts for one UTC day: yesterday's count is today's 0, with no job at midnight."""

from accounts import services
from accounts.models import PlatformAccount, utc_today
from accounts.testing import yesterday
from core.testing import ok


def test_account_used_up_yesterday_is_available_today(api, make_account):
    account = make_account(platform="dreamina", daily_limit=10)
    # Used up, yesterday: written straight to the database, as the claims of yesterday left it.
    PlatformAccount.objects.filter(id=account.id).update(used_today=10, usage_date=yesterday())

    detail = ok(api.get(f"/api/platform-accounts/{account.id}"))
    assert (detail["used_today"], detail["remaining_quota"], detail["is_available"]) == (
        0,
        10,
        True,
    )
    [row] = ok(api.get("/api/platform-accounts"))
    assert (row["used_today"], row["remaining_quota"], row["is_available"]) == (0, 10, True)
    available = ok(api.get("/api/platform-accounts/available/dreamina"))
    assert [a["id"] for a in available] == [account.id]


def test_account_used_up_today_is_not_available(api, make_account):
    account = make_account(platform="dreamina", daily_limit=10)
    PlatformAccount.objects.filter(id=account.id).update(used_today=10, usage_date=utc_today())
    assert ok(api.get(f"/api/platform-accounts/{account.id}"))["is_available"] is False
    assert ok(api.get("/api/platform-accounts/available/dreamina")) == []


def test_reading_does_not_write(api, make_account):
    account = make_account(daily_limit=10, used_today=7, usage_date=yesterday())
    ok(api.get(f"/api/platform-accounts/{account.id}"))
    account.refresh_from_db()
    assert (account.used_today, account.usage_date) == (7, yesterday())


def test_older_usage_ranks_as_full_quota_in_available(api, make_account):
    fresh_but_used = make_account(platform="runway", daily_limit=10, used_today=5)
    stale = make_account(platform="runway", daily_limit=10, used_today=9, usage_date=yesterday())
    rows = ok(api.get("/api/platform-accounts/available/runway"))
    assert [row["id"] for row in rows] == [stale.id, fresh_but_used.id]


def test_first_use_of_the_day_restarts_the_count(make_account):
    account = make_account(daily_limit=10, used_today=10, usage_date=yesterday())
    services.accounts_count_uses(uses={account.id: 1})
    account.refresh_from_db()
    assert (account.used_today, account.usage_date) == (1, utc_today())
