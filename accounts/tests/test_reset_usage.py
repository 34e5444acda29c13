import pytest

from accounts.models import PlatformAccount, utc_today
from accounts.testing import ACCOUNT_KEYS, yesterday
from core.testing import error, ok


def test_contract_body_resets_usage_to_zero(api, make_account):
    account = make_account(daily_limit=100, used_today=100)
    data = ok(
        api.post(
            f"/api/platform-accounts/{account.id}/reset-usage", {"used_today": 0}, format="json"
        )
    )
    assert set(data) == ACCOUNT_KEYS
    assert data["used_today"] == 0
    assert data["remaining_quota"] == 100
    assert data["is_available"] is True


def test_empty_body_resets_to_zero(api, make_account):
    account = make_account(used_today=40)
    data = ok(api.post(f"/api/platform-accounts/{account.id}/reset-usage/"))
    assert data["used_today"] == 0


def test_sets_a_given_usage_for_today(api, make_account):
    account = make_account(daily_limit=100, used_today=3, usage_date=yesterday())
    data = ok(
        api.post(
            f"/api/platform-accounts/{account.id}/reset-usage", {"used_today": 95}, format="json"
        )
    )
    assert data["used_today"] == 95
    assert data["remaining_quota"] == 5
    account.refresh_from_db()
    assert (account.used_today, account.usage_date) == (95, utc_today())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"used_today": -1}, "used_today: Ensure this value is greater than or equal to 0."),
        ({"used_today": "none"}, "used_today: A valid integer is required."),
        ({"used_today": None}, "used_today: This field may not be null."),
    ],
)
def test_bad_value_is_refused_and_nothing_changes(api, make_account, body, message):
    account = make_account(used_today=12)
    response = api.post(f"/api/platform-accounts/{account.id}/reset-usage", body, format="json")
    assert error(response, 400) == message
    assert PlatformAccount.objects.get(id=account.id).used_today == 12


def test_unknown_id_is_404(api):
    response = api.post(
        "/api/platform-accounts/31337/reset-usage", {"used_today": 0}, format="json"
    )
    assert error(response, 404) == "Platform account not found"
