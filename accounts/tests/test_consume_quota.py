import threading

import pytest
from django.db import connection

from accounts import services
from accounts.models import PlatformAccount, utc_today
from accounts.testing import yesterday


def test_counts_one_use_and_stamps_last_used(make_account):
    account = make_account(daily_limit=3)
    assert services.account_consume_quota(account_id=account.id) is True
    account.refresh_from_db()
    assert account.used_today == 1
    assert account.usage_date == utc_today()
    assert account.last_used_at is not None


def test_stops_at_the_daily_limit(make_account):
    account = make_account(daily_limit=3)
    results = [services.account_consume_quota(account_id=account.id) for _ in range(5)]
    assert results == [True, True, True, False, False]
    account.refresh_from_db()
    assert account.used_today == 3
    assert not account.is_available


def test_refuses_inactive_deleted_unknown_and_zero_limit_accounts(make_account):
    inactive = make_account(status="inactive")
    deleted = make_account()
    services.account_delete(account=deleted)
    zero = make_account(daily_limit=0)
    for account_id in (inactive.id, deleted.id, zero.id, 987654):
        assert services.account_consume_quota(account_id=account_id) is False
    assert set(PlatformAccount.all_objects.values_list("used_today", flat=True)) == {0}


def test_a_limit_lowered_below_usage_refuses(make_account):
    account = make_account(daily_limit=10, used_today=8)
    PlatformAccount.objects.filter(id=account.id).update(daily_limit=5)
    assert services.account_consume_quota(account_id=account.id) is False
    account.refresh_from_db()
    assert account.used_today == 8


def consume_concurrently(account_id: int, threads: int) -> list[bool]:
    barrier = threading.Barrier(threads)
    results: list[bool] = []
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            results.append(services.account_consume_quota(account_id=account_id))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_32_concurrent_consumers_get_exactly_the_limit(make_account):
    account = make_account(daily_limit=10)
    results = consume_concurrently(account.id, threads=32)
    assert results.count(True) == 10
    assert results.count(False) == 22
    account.refresh_from_db()
    assert account.used_today == 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_uses_of_a_new_day_count_from_zero(make_account):
    account = make_account(daily_limit=10, used_today=10, usage_date=yesterday())
    results = consume_concurrently(account.id, threads=32)
    assert results.count(True) == 10
    account.refresh_from_db()
    assert (account.used_today, account.usage_date) == (10, utc_today())
