import pytest

from accounts.crypto import decrypt_credentials
from accounts.models import PlatformAccount, utc_today
from accounts.testing import ACCOUNT_KEYS, yesterday
from core.testing import error, ok

# The contract's update body (section 5.4), with values.
EXAMPLE_UPDATE = {
    "platform": "midjourney",
    "name": "mj_main",
    "credentials": {"token": "mj-token-1"},
    "status": "inactive",
    "daily_limit": 50,
}


def test_contract_body_changes_every_field(api, make_account):
    account = make_account(platform="dreamina", name="old", credentials={"api_key": "old-key"})
    data = ok(api.put(f"/api/platform-accounts/{account.id}", EXAMPLE_UPDATE, format="json"))
    assert set(data) == ACCOUNT_KEYS
    assert data["platform"] == "midjourney"
    assert data["name"] == "mj_main"
    assert data["credentials"] == {"token": "***masked***"}
    assert data["status"] == "inactive"
    assert data["daily_limit"] == 50
    assert data["is_available"] is False
    account.refresh_from_db()
    assert decrypt_credentials(account.credentials_encrypted) == {"token": "mj-token-1"}


def test_only_sent_fields_change(api, make_account):
    account = make_account(name="before", credentials={"api_key": "keep-me"}, daily_limit=30)
    data = ok(api.put(f"/api/platform-accounts/{account.id}", {"name": "after"}, format="json"))
    assert data["name"] == "after"
    assert data["daily_limit"] == 30
    assert data["credentials"] == {"api_key": "***masked***"}
    account.refresh_from_db()
    assert decrypt_credentials(account.credentials_encrypted) == {"api_key": "keep-me"}


def test_credentials_are_replaced_not_merged(api, make_account):
    account = make_account(credentials={"api_key": "a", "secret": "b"})
    body = {"credentials": {"api_key": "new"}}
    data = ok(api.put(f"/api/platform-accounts/{account.id}", body, format="json"))
    assert data["credentials"] == {"api_key": "***masked***"}
    account.refresh_from_db()
    assert decrypt_credentials(account.credentials_encrypted) == {"api_key": "new"}


def test_empty_object_clears_the_credentials(api, make_account):
    account = make_account(credentials={"api_key": "a"})
    data = ok(api.put(f"/api/platform-accounts/{account.id}", {"credentials": {}}, format="json"))
    assert data["credentials"] == {}


def test_lowering_the_limit_below_usage_leaves_no_quota(api, make_account):
    account = make_account(daily_limit=100, used_today=60)
    data = ok(api.put(f"/api/platform-accounts/{account.id}", {"daily_limit": 50}, format="json"))
    assert data["used_today"] == 60
    assert data["remaining_quota"] == 0
    assert data["is_available"] is False


def test_a_write_on_a_new_day_resets_the_stored_usage(api, make_account):
    account = make_account(daily_limit=10, used_today=10, usage_date=yesterday())
    data = ok(api.put(f"/api/platform-accounts/{account.id}", {"name": "renamed"}, format="json"))
    assert data["used_today"] == 0
    account.refresh_from_db()
    assert (account.used_today, account.usage_date) == (0, utc_today())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"platform": "sora"},
            'platform: "sora" is not a valid choice. Valid choices: dreamina, midjourney, runway.',
        ),
        (
            {"status": "deleted"},
            'status: "deleted" is not a valid choice. Valid choices: active, inactive.',
        ),
        ({"daily_limit": -5}, "daily_limit: Ensure this value is greater than or equal to 0."),
        ({"credentials": [1]}, "credentials: Must be a JSON object."),
        (
            {"credentials": {"secret": "***masked***"}},
            'credentials: The value of "secret" is the mask; send the real credential or leave '
            "credentials out.",
        ),
        ({"name": ""}, "name: This field may not be blank."),
        ({"name": "ok", "daily_limit": "x"}, "daily_limit: A valid integer is required."),
    ],
)
def test_bad_input_is_refused_by_name_and_nothing_changes(api, make_account, body, message):
    account = make_account(name="same", credentials={"api_key": "k"}, daily_limit=7)
    before = PlatformAccount.objects.values().get(id=account.id)
    assert (
        error(api.put(f"/api/platform-accounts/{account.id}", body, format="json"), 400) == message
    )
    assert PlatformAccount.objects.values().get(id=account.id) == before


def test_renaming_onto_another_account_of_the_platform_is_refused(api, make_account):
    make_account(platform="runway", name="taken")
    account = make_account(platform="runway", name="mine")
    body = {"name": "taken"}
    assert error(api.put(f"/api/platform-accounts/{account.id}", body, format="json"), 400) == (
        "name: An account of this platform with this name already exists."
    )
    account.refresh_from_db()
    assert account.name == "mine"


def test_moving_to_a_platform_where_the_name_is_taken_is_refused(api, make_account):
    make_account(platform="runway", name="main")
    account = make_account(platform="dreamina", name="main")
    body = {"platform": "runway"}
    assert error(api.put(f"/api/platform-accounts/{account.id}", body, format="json"), 400)
    account.refresh_from_db()
    assert account.platform == "dreamina"


def test_unknown_id_is_404(api):
    assert error(api.put("/api/platform-accounts/4242", {"name": "x"}, format="json"), 404) == (
        "Platform account not found"
    )


def test_deleted_account_cannot_be_updated(api, make_account):
    account = make_account()
    ok(api.delete(f"/api/platform-accounts/{account.id}"))
    assert error(api.put(f"/api/platform-accounts/{account.id}", {"name": "x"}, format="json"), 404)
