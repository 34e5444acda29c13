import threading

import pytest
from django.db import connection

from accounts import services
from accounts.models import PlatformAccount
from core.exceptions import ApplicationError, NotFoundError


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_of_one_name_make_one_account():
    threads = 8
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []

    def create():
        try:
            barrier.wait()
            services.account_create(platform="runway", name="contended")
            outcomes.append("created")
        except ApplicationError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    pool = [threading.Thread(target=create) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert outcomes.count("created") == 1
    assert outcomes.count(services.DUPLICATE_NAME) == threads - 1
    assert PlatformAccount.objects.filter(name="contended").count() == 1


def test_restore_refuses_when_a_live_account_took_the_name(make_account):
    old = make_account(platform="dreamina", name="main")
    services.account_delete(account=old)
    make_account(platform="dreamina", name="main")
    with pytest.raises(ApplicationError, match="cannot be restored"):
        services.account_restore(account=old)
    assert PlatformAccount.all_objects.get(pk=old.pk).deleted_at is not None


def test_restore_brings_the_account_back(make_account):
    account = make_account()
    services.account_delete(account=account)
    services.account_restore(account=account)
    assert PlatformAccount.objects.get(pk=account.pk).is_available


def test_writes_refuse_an_account_deleted_meanwhile(make_account):
    account = make_account()
    services.account_delete(account=account)
    with pytest.raises(NotFoundError, match="Platform account not found"):
        services.account_update(account=account, name="x")
    with pytest.raises(NotFoundError, match="Platform account not found"):
        services.account_reset_usage(account=account)
