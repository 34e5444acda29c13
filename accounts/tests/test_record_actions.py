"""The Reset usage button on a platform account's page, behind a confirmation page."""

import pytest

from accounts.models import PlatformAccount
from accounts.testing import yesterday
from core.roles import Role
from core.testing import console_messages, session_client

PAGE = "/admin/accounts/platformaccount/{}/change/"
RESET = "/admin/accounts/platformaccount/{}/actions/reset_usage/"


@pytest.fixture
def operator(db):
    return session_client("op", Role.OPERATOR)


def said_after(client, response):
    assert response.status_code == 302, response.content[:2000]
    return console_messages(client.get(response["Location"]))


def test_reset_usage_asks_first_then_resets(operator, make_account):
    account = make_account(name="busy", daily_limit=50, used_today=37)
    assert RESET.format(account.pk) in operator.get(PAGE.format(account.pk)).content.decode()
    page = operator.get(RESET.format(account.pk)).content.decode()
    assert "from 37 back to 0" in page and "of its 50" in page
    assert 'type="submit" value="Reset usage"' in page
    account.refresh_from_db()
    assert account.used_today == 37  # asking changes nothing

    said = said_after(operator, operator.post(RESET.format(account.pk)))
    assert said == [
        (
            "success",
            f'<a href="{PAGE.format(account.pk)}">Platform account #{account.pk} '
            f"“{account}”</a>: today's usage reset from 37 to 0 of 50.",
        )
    ]
    account.refresh_from_db()
    assert (account.used_today, account.remaining_quota) == (0, 50)


def test_an_account_that_used_nothing_today_has_no_button(operator, make_account):
    account = make_account(daily_limit=10, used_today=10, usage_date=yesterday())
    assert RESET.format(account.pk) not in operator.get(PAGE.format(account.pk)).content.decode()
    said = said_after(operator, operator.post(RESET.format(account.pk)))
    assert said == [
        ("warning", f"Nothing was done: platform account #{account.pk} has used nothing today.")
    ]


def test_the_list_action_names_the_accounts_it_skipped(operator, make_account):
    busy = make_account(used_today=5)
    idle = make_account()
    gone = make_account(used_today=3)
    PlatformAccount.objects.filter(pk=gone.pk).update(deleted_at=gone.created_at)
    response = operator.post(
        "/admin/accounts/platformaccount/?deleted=all",
        {"action": "reset_usage", "_selected_action": [busy.pk, idle.pk, gone.pk]},
    )
    said = said_after(operator, response)
    assert [level for level, _ in said] == ["success", "warning"]
    assert "usage reset from 5 to 0" in said[0][1]
    assert said[1][1] == (
        f"Skipped by “Reset usage”: #{idle.pk} has used nothing today; #{gone.pk} is deleted."
    )
    assert PlatformAccount.all_objects.get(pk=gone.pk).used_today == 3


def test_a_viewer_may_not_reset(make_account):
    account = make_account(used_today=5)
    viewer = session_client("watcher", Role.VIEWER)
    assert RESET.format(account.pk) not in viewer.get(PAGE.format(account.pk)).content.decode()
    assert viewer.get(RESET.format(account.pk)).status_code == 403
    assert viewer.post(RESET.format(account.pk)).status_code == 403
    account.refresh_from_db()
    assert account.used_today == 5
