import io

from django.core.management import call_command

from accounts import services
from accounts.models import PlatformAccount, utc_today
from accounts.testing import yesterday


def test_resets_every_live_account(make_account):
    used = make_account(used_today=40)
    stale = make_account(used_today=99, usage_date=yesterday())
    out = io.StringIO()
    call_command("reset_daily_usage", stdout=out)
    assert out.getvalue() == "Reset the daily usage of 2 platform account(s).\n"
    for account in (used, stale):
        account.refresh_from_db()
        assert (account.used_today, account.usage_date) == (0, utc_today())


def test_deleted_accounts_are_left_alone(make_account):
    gone = make_account(used_today=5)
    services.account_delete(account=gone)
    call_command("reset_daily_usage", stdout=io.StringIO())
    assert PlatformAccount.all_objects.get(id=gone.id).used_today == 5


def test_with_no_accounts_it_says_so(db):
    out = io.StringIO()
    call_command("reset_daily_usage", stdout=out)
    assert "0 platform account(s)" in out.getvalue()
