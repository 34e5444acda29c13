"""The one quota rule: SQL (`with_quota`, `available`) and Python (`daily_quota`) agree."""

from datetime import timedelta

import pytest
from django.db import connection

from accounts import services
from accounts.models import PlatformAccount, daily_quota, utc_today
from accounts.selectors import available_accounts_sql
from accounts.testing import yesterday


def quota_rows(today=None):
    rows = PlatformAccount.objects.with_quota(today).order_by("id")
    return {a.id: (a.quota_used_today, a.quota_remaining) for a in rows}


@pytest.mark.parametrize(
    ("limit", "used", "days_ago", "expected"),
    [
        (10, 3, 0, (3, 7)),
        (10, 10, 0, (10, 0)),
        (5, 8, 0, (8, 0)),  # a limit lowered below today's usage leaves none, not -3
        (0, 0, 0, (0, 0)),
        (10, 10, 1, (0, 10)),  # yesterday's usage counts 0 today
        (10, 4, 400, (0, 10)),
    ],
)
def test_sql_and_python_give_the_same_quota(make_account, limit, used, days_ago, expected):
    account = make_account(
        daily_limit=limit, used_today=used, usage_date=utc_today() - timedelta(days=days_ago)
    )
    assert quota_rows()[account.id] == expected
    assert account.quota_today() == expected
    assert (account.effective_used_today, account.remaining_quota) == expected
    assert (
        daily_quota(
            daily_limit=limit, used_today=used, usage_date=account.usage_date, today=utc_today()
        )
        == expected
    )


def test_remaining_quota_changes_with_the_day(make_account):
    account = make_account(daily_limit=10, used_today=10)
    assert quota_rows()[account.id] == (10, 0)
    assert account.quota_today() == (10, 0)
    tomorrow = utc_today() + timedelta(days=1)
    assert quota_rows(tomorrow)[account.id] == (0, 10)
    assert account.quota_today(tomorrow) == (0, 10)
    assert list(PlatformAccount.objects.available(tomorrow)) == [account]
    assert list(PlatformAccount.objects.available()) == []


def test_inactive_deleted_and_exhausted_accounts_are_not_available(make_account):
    available = make_account()
    make_account(status=PlatformAccount.Status.INACTIVE)
    make_account(daily_limit=3, used_today=3)
    deleted = make_account()
    services.account_delete(account=deleted)
    assert list(PlatformAccount.objects.available()) == [available]
    # The soft-deleted account stays out even from the manager that sees deleted rows.
    assert list(PlatformAccount.all_objects.available()) == [available]
    assert [a.is_available for a in PlatformAccount.all_objects.order_by("id")] == [
        True,
        False,
        False,
        False,
    ]


def test_available_orders_by_remaining_quota_then_id_and_filters_platforms(make_account):
    little = make_account(platform="runway", daily_limit=10, used_today=9)
    stale = make_account(platform="runway", daily_limit=10, used_today=9, usage_date=yesterday())
    tied = make_account(platform="runway", daily_limit=10)
    other = make_account(platform="dreamina", daily_limit=100)
    runway = PlatformAccount.objects.available(platforms=["runway"])
    assert [(a.id, a.quota_remaining) for a in runway] == [
        (stale.id, 10),
        (tied.id, 10),
        (little.id, 1),
    ]
    both = PlatformAccount.objects.available(platforms=["runway", "dreamina"])
    assert [a.id for a in both] == [other.id, stale.id, tied.id, little.id]
    assert PlatformAccount.objects.available(platforms=[]).count() == 0


@pytest.mark.parametrize(
    ("platforms", "count"), [(None, 3), (["runway"], 2), (["runway", "midjourney"], 3)]
)
def test_available_accounts_sql_gives_the_rows_of_the_queryset(make_account, platforms, count):
    make_account(platform="runway", daily_limit=10, used_today=4)
    make_account(platform="runway", daily_limit=10, used_today=10, usage_date=yesterday())
    make_account(platform="runway", daily_limit=10, used_today=10)
    make_account(platform="midjourney", daily_limit=3)
    make_account(platform="dreamina", status=PlatformAccount.Status.INACTIVE)
    services.account_delete(account=make_account(platform="runway"))
    sql, params = available_accounts_sql(platforms=platforms)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, platform, quota_remaining FROM ({sql}) a ORDER BY id", params)
        from_sql = [tuple(row) for row in cursor.fetchall()]
    from_orm = list(
        PlatformAccount.objects.available(platforms=platforms)
        .order_by("id")
        .values_list("id", "platform", "quota_remaining")
    )
    assert from_sql == from_orm
    assert len(from_orm) == count


def test_counted_uses_add_to_today_and_restart_a_stale_count(make_account):
    today_used = make_account(daily_limit=10, used_today=4)
    stale = make_account(daily_limit=10, used_today=9, usage_date=yesterday())
    untouched = make_account(daily_limit=10, used_today=2)
    services.accounts_count_uses(uses={today_used.id: 3, stale.id: 2})
    rows = PlatformAccount.objects.order_by("id").values_list("used_today", "usage_date")
    assert list(rows) == [(7, utc_today()), (2, utc_today()), (2, utc_today())]
    assert PlatformAccount.objects.get(id=today_used.id).last_used_at is not None
    assert PlatformAccount.objects.get(id=untouched.id).last_used_at is None
