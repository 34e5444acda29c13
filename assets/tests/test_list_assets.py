import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.testing import ASSET_KEYS
from core.testing import error, ok


def test_contract_query_filters_by_type_and_status(api, make_asset):
    wanted = make_asset(asset_type="video", status="ACTIVE")
    make_asset(asset_type="video", status="ARCHIVED")
    make_asset(asset_type="image", status="ACTIVE")
    response = api.get("/api/assets?skip=0&limit=100&asset_type=video&status=ACTIVE")
    data = ok(response)
    assert [a["id"] for a in data] == [wanted.id]
    assert set(data[0]) == ASSET_KEYS
    assert response["X-Total-Count"] == "1"


def test_lists_newest_first_with_total_header(api, make_asset):
    assets = [make_asset(name=f"a{i}") for i in range(3)]
    response = api.get("/api/assets")
    assert [a["id"] for a in ok(response)] == [a.id for a in reversed(assets)]
    assert response["X-Total-Count"] == "3"


def test_skip_and_limit_select_a_page(api, make_asset):
    assets = [make_asset(name=f"a{i}") for i in range(5)]
    response = api.get("/api/assets?skip=1&limit=2")
    assert [a["id"] for a in ok(response)] == [assets[3].id, assets[2].id]
    assert response["X-Total-Count"] == "5"


def test_filter_by_asset_type(api, make_asset):
    audio = make_asset(asset_type="audio")
    make_asset(asset_type="text")
    assert [a["id"] for a in ok(api.get("/api/assets?asset_type=audio"))] == [audio.id]


def test_filter_by_status(api, make_asset):
    failed = make_asset(status="FAILED")
    make_asset(status="ACTIVE")
    assert [a["id"] for a in ok(api.get("/api/assets?status=FAILED"))] == [failed.id]


def test_filter_by_visibility(api, make_asset):
    public = make_asset(visibility="public")
    make_asset(visibility="private")
    assert [a["id"] for a in ok(api.get("/api/assets?visibility=public"))] == [public.id]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "asset_type=movie",
            'asset_type: "movie" is not a valid choice. Valid choices: video, image, audio, text.',
        ),
        (
            "status=active",
            'status: "active" is not a valid choice. Valid choices: PENDING_ANALYSIS, ACTIVE, '
            "ARCHIVED, FAILED.",
        ),
        ("skip=-1", "skip: Ensure this value is greater than or equal to 0."),
        ("limit=0", "limit: Ensure this value is greater than or equal to 1."),
    ],
)
def test_bad_query_values_are_refused(api, make_asset, query, message):
    make_asset()
    assert error(api.get(f"/api/assets?{query}"), 400) == message


def test_deleted_assets_are_not_listed(api, make_asset):
    kept = make_asset()
    gone = make_asset()
    ok(api.delete(f"/api/assets/{gone.id}"))
    response = api.get("/api/assets")
    assert [a["id"] for a in ok(response)] == [kept.id]
    assert response["X-Total-Count"] == "1"


def test_no_token_is_refused(anon):
    assert error(anon.get("/api/assets"), 401) == "Authentication credentials were not provided."


def test_query_count_does_not_grow_with_rows(api, make_asset, django_assert_num_queries):
    make_asset()
    with CaptureQueriesContext(connection) as one_row:
        assert len(ok(api.get("/api/assets"))) == 1
    # Counted now: a later request resets the connection's query log.
    queries_for_one = len(one_row)
    for index in range(5):
        make_asset(name=f"more{index}")
    with django_assert_num_queries(queries_for_one):
        assert len(ok(api.get("/api/assets"))) == 6
