import pytest

from accounts import services


def test_account_update_refuses_the_usage_counter(db):
    account = services.account_create(platform="dreamina", name="a", daily_limit=10)
    services.account_reset_usage(account=account, used_today=4)
    for field in ("used_today", "credentials_encrypted"):
        with pytest.raises(TypeError, match=field):
            services.account_update(account=account, name="x", **{field: 0})
    account.refresh_from_db()
    assert (account.name, account.used_today) == ("a", 4)
    assert account.credentials_encrypted
