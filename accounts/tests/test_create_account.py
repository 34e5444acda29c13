import pytest

from accounts.crypto import decrypt_credentials
from accounts.models import PlatformAccount
from accounts.testing import ACCOUNT_KEYS, EXAMPLE_ACCOUNT
from core.testing import assert_utc_timestamp, error, ok


def test_contract_example_creates_the_account(api):
    data = ok(api.post("/api/platform-accounts", EXAMPLE_ACCOUNT, format="json"), 201)
    assert set(data) == ACCOUNT_KEYS
    assert {
        key: value for key, value in data.items() if key not in ("id", "created_at", "updated_at")
    } == {
        "platform": "dreamina",
        "name": "dreamina_account_1",
        "credentials": {"api_key": "***masked***", "secret": "***masked***"},
        "status": "active",
        "daily_limit": 100,
        "used_today": 0,
        "last_used_at": None,
        "is_available": True,
        "remaining_quota": 100,
    }
    assert isinstance(data["id"], int)
    assert_utc_timestamp(data["created_at"])
    assert_utc_timestamp(data["updated_at"])
    account = PlatformAccount.objects.get(id=data["id"])
    assert decrypt_credentials(account.credentials_encrypted) == EXAMPLE_ACCOUNT["credentials"]


def test_only_platform_and_name_are_required(api):
    data = ok(
        api.post("/api/platform-accounts", {"platform": "runway", "name": "r"}, format="json"), 201
    )
    assert data["credentials"] == {}
    assert data["status"] == "active"
    assert data["daily_limit"] == 100
    assert data["remaining_quota"] == 100


@pytest.mark.parametrize("path", ["/api/platform-accounts", "/api/platform-accounts/"])
def test_post_works_with_and_without_trailing_slash(api, path):
    ok(api.post(path, EXAMPLE_ACCOUNT, format="json"), 201)
    assert PlatformAccount.objects.count() == 1


def test_inactive_account_is_not_available(api):
    data = ok(
        api.post(
            "/api/platform-accounts", {**EXAMPLE_ACCOUNT, "status": "inactive"}, format="json"
        ),
        201,
    )
    assert data["is_available"] is False
    assert data["remaining_quota"] == 100


def test_zero_daily_limit_is_not_available(api):
    data = ok(
        api.post("/api/platform-accounts", {**EXAMPLE_ACCOUNT, "daily_limit": 0}, format="json"),
        201,
    )
    assert data["is_available"] is False
    assert data["remaining_quota"] == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "platform",
            "sora",
            'platform: "sora" is not a valid choice. Valid choices: dreamina, midjourney, runway.',
        ),
        (
            "status",
            "paused",
            'status: "paused" is not a valid choice. Valid choices: active, inactive.',
        ),
        ("daily_limit", -1, "daily_limit: Ensure this value is greater than or equal to 0."),
        ("daily_limit", "many", "daily_limit: A valid integer is required."),
        (
            "daily_limit",
            2**31,
            "daily_limit: Ensure this value is less than or equal to 2147483647.",
        ),
        ("credentials", ["api_key"], "credentials: Must be a JSON object."),
        ("credentials", "api_key=x", "credentials: Must be a JSON object."),
        ("credentials", None, "credentials: This field may not be null."),
        (
            "credentials",
            {"api_key": "***masked***"},
            'credentials: The value of "api_key" is the mask; send the real credential or leave '
            "credentials out.",
        ),
        ("name", "", "name: This field may not be blank."),
        ("name", "x" * 256, "name: Ensure this field has no more than 255 characters."),
    ],
)
def test_bad_field_is_refused_by_name_and_nothing_is_created(api, field, value, message):
    body = {**EXAMPLE_ACCOUNT, field: value}
    assert error(api.post("/api/platform-accounts", body, format="json"), 400) == message
    assert not PlatformAccount.all_objects.exists()


@pytest.mark.parametrize("field", ["platform", "name"])
def test_missing_required_field_is_named(api, field):
    body = {key: value for key, value in EXAMPLE_ACCOUNT.items() if key != field}
    assert error(api.post("/api/platform-accounts", body, format="json"), 400) == (
        f"{field}: This field is required."
    )
    assert not PlatformAccount.all_objects.exists()


def test_same_name_on_the_same_platform_is_refused(api, make_account):
    make_account(platform="dreamina", name="dreamina_account_1")
    assert error(api.post("/api/platform-accounts", EXAMPLE_ACCOUNT, format="json"), 400) == (
        "name: An account of this platform with this name already exists."
    )
    assert PlatformAccount.all_objects.count() == 1


def test_same_name_on_another_platform_is_allowed(api, make_account):
    make_account(platform="runway", name="dreamina_account_1")
    ok(api.post("/api/platform-accounts", EXAMPLE_ACCOUNT, format="json"), 201)


def test_name_of_a_deleted_account_can_be_reused(api, make_account):
    old = make_account(platform="dreamina", name="dreamina_account_1")
    ok(api.delete(f"/api/platform-accounts/{old.id}"))
    data = ok(api.post("/api/platform-accounts", EXAMPLE_ACCOUNT, format="json"), 201)
    assert data["id"] != old.id


def test_no_token_is_refused_and_nothing_is_created(anon):
    assert error(anon.post("/api/platform-accounts", EXAMPLE_ACCOUNT, format="json"), 401)
    assert not PlatformAccount.all_objects.exists()
