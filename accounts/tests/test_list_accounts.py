import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.testing import LIST_KEYS
from core.testing import assert_utc_timestamp, error, ok


def test_contract_example_row(api, make_account):
    account = make_account(platform="dreamina", name="dreamina_account_1", used_today=25)
    response = api.get("/api/platform-accounts?skip=0&limit=100&platform=dreamina&status=active")
    [row] = ok(response)
    assert set(row) == LIST_KEYS
    assert "credentials" not in row
    assert {
        key: value for key, value in row.items() if key not in ("created_at", "updated_at")
    } == {
        "id": account.id,
        "platform": "dreamina",
        "name": "dreamina_account_1",
        "status": "active",
        "daily_limit": 100,
        "used_today": 25,
        "is_available": True,
        "remaining_quota": 75,
        "last_used_at": None,
    }
    assert_utc_timestamp(row["created_at"])
    assert response["X-Total-Count"] == "1"


def test_lists_by_platform_then_id(api, make_account):
    runway = make_account(platform="runway")
    dreamina_1 = make_account(platform="dreamina")
    midjourney = make_account(platform="midjourney")
    dreamina_2 = make_account(platform="dreamina")
    ids = [row["id"] for row in ok(api.get("/api/platform-accounts"))]
    assert ids == [dreamina_1.id, dreamina_2.id, midjourney.id, runway.id]


def test_skip_and_limit_select_a_page(api, make_account):
    accounts = [make_account() for _ in range(5)]
    response = api.get("/api/platform-accounts?skip=1&limit=2")
    assert [row["id"] for row in ok(response)] == [accounts[1].id, accounts[2].id]
    assert response["X-Total-Count"] == "5"


def test_filter_by_platform(api, make_account):
    wanted = make_account(platform="midjourney")
    make_account(platform="runway")
    rows = ok(api.get("/api/platform-accounts?platform=midjourney"))
    assert [row["id"] for row in rows] == [wanted.id]


def test_filter_by_status(api, make_account):
    make_account(status="active")
    wanted = make_account(status="inactive")
    rows = ok(api.get("/api/platform-accounts?status=inactive"))
    assert [row["id"] for row in rows] == [wanted.id]
    assert rows[0]["is_available"] is False


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "platform=sora",
            'platform: "sora" is not a valid choice. Valid choices: dreamina, midjourney, runway.',
        ),
        (
            "status=on",
            'status: "on" is not a valid choice. Valid choices: active, inactive.',
        ),
        ("skip=-1", "skip: Ensure this value is greater than or equal to 0."),
        ("limit=1001", "limit: Ensure this value is less than or equal to 1000."),
    ],
)
def test_bad_query_values_are_refused(api, make_account, query, message):
    make_account()
    assert error(api.get(f"/api/platform-accounts?{query}"), 400) == message


def test_deleted_accounts_are_not_listed(api, make_account):
    kept = make_account()
    gone = make_account()
    ok(api.delete(f"/api/platform-accounts/{gone.id}"))
    response = api.get("/api/platform-accounts")
    assert [row["id"] for row in ok(response)] == [kept.id]
    assert response["X-Total-Count"] == "1"


def test_no_token_is_refused(anon):
    assert error(anon.get("/api/platform-accounts"), 401)


def test_query_count_does_not_grow_with_rows(api, make_account, django_assert_num_queries):
    make_account()
    with CaptureQueriesContext(connection) as one_row:
        assert len(ok(api.get("/api/platform-accounts"))) == 1
    queries_for_one = len(one_row)
    for _ in range(5):
        make_account()
    with django_assert_num_queries(queries_for_one):
        assert len(ok(api.get("/api/platform-accounts"))) == 6
