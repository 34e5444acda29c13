import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.testing import LIST_KEYS
from core.testing import error, ok


def test_lists_available_accounts_of_the_platform_most_quota_first(api, make_account):
    little = make_account(platform="dreamina", daily_limit=100, used_today=90)
    most = make_account(platform="dreamina", daily_limit=50, used_today=0)
    middle = make_account(platform="dreamina", daily_limit=100, used_today=60)
    rows = ok(api.get("/api/platform-accounts/available/dreamina"))
    assert [row["id"] for row in rows] == [most.id, middle.id, little.id]
    assert [row["remaining_quota"] for row in rows] == [50, 40, 10]
    assert all(set(row) == LIST_KEYS and row["is_available"] for row in rows)


def test_equal_quota_goes_by_id(api, make_account):
    first = make_account(platform="runway")
    second = make_account(platform="runway")
    rows = ok(api.get("/api/platform-accounts/available/runway"))
    assert [row["id"] for row in rows] == [first.id, second.id]


def test_unavailable_and_other_accounts_are_left_out(api, make_account):
    wanted = make_account(platform="midjourney")
    make_account(platform="midjourney", status="inactive")
    make_account(platform="midjourney", daily_limit=5, used_today=5)
    make_account(platform="midjourney", daily_limit=0)
    make_account(platform="runway")
    deleted = make_account(platform="midjourney")
    ok(api.delete(f"/api/platform-accounts/{deleted.id}"))
    rows = ok(api.get("/api/platform-accounts/available/midjourney/"))
    assert [row["id"] for row in rows] == [wanted.id]


def test_no_account_gives_an_empty_list(api):
    assert ok(api.get("/api/platform-accounts/available/runway")) == []


def test_unknown_platform_is_refused_naming_the_choices(api):
    assert error(api.get("/api/platform-accounts/available/sora"), 400) == (
        'platform: "sora" is not a valid choice. Valid choices: dreamina, midjourney, runway.'
    )


@pytest.mark.parametrize("path", ["available/Dreamina", "available/dreamina%20"])
def test_platform_is_matched_exactly(api, path):
    assert error(api.get(f"/api/platform-accounts/{path}"), 400)


def test_query_count_does_not_grow_with_rows(api, make_account, django_assert_num_queries):
    make_account(platform="dreamina")
    with CaptureQueriesContext(connection) as one_row:
        assert len(ok(api.get("/api/platform-accounts/available/dreamina"))) == 1
    queries_for_one = len(one_row)
    for _ in range(5):
        make_account(platform="dreamina")
    with django_assert_num_queries(queries_for_one):
        assert len(ok(api.get("/api/platform-accounts/available/dreamina"))) == 6
