import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.testing import ASSET_KEYS
from core.testing import error, ok


@pytest.mark.parametrize("suffix", ["", "/"])
def test_lists_only_that_type_newest_first(api, make_asset, suffix):
    first = make_asset(asset_type="image")
    make_asset(asset_type="video")
    second = make_asset(asset_type="image")
    response = api.get(f"/api/assets/by-type/image{suffix}")
    data = ok(response)
    assert [a["id"] for a in data] == [second.id, first.id]
    assert set(data[0]) == ASSET_KEYS
    assert response["X-Total-Count"] == "2"


def test_contract_query_pages_with_skip_and_limit(api, make_asset):
    assets = [make_asset(asset_type="audio", name=f"a{i}") for i in range(4)]
    response = api.get("/api/assets/by-type/audio?skip=0&limit=100")
    assert len(ok(response)) == 4
    response = api.get("/api/assets/by-type/audio?skip=1&limit=2")
    assert [a["id"] for a in ok(response)] == [assets[2].id, assets[1].id]
    assert response["X-Total-Count"] == "4"


def test_unknown_type_is_refused_with_the_valid_choices(api):
    assert error(api.get("/api/assets/by-type/movie"), 400) == (
        'asset_type: "movie" is not a valid choice. Valid choices: video, image, audio, text.'
    )


def test_bad_limit_is_refused(api):
    assert error(api.get("/api/assets/by-type/video?limit=5000"), 400) == (
        "limit: Ensure this value is less than or equal to 1000."
    )


def test_no_token_is_refused(anon):
    assert error(anon.get("/api/assets/by-type/video"), 401)


def test_query_count_does_not_grow_with_rows(api, make_asset, django_assert_num_queries):
    make_asset(asset_type="text")
    with CaptureQueriesContext(connection) as one_row:
        assert len(ok(api.get("/api/assets/by-type/text"))) == 1
    # Counted now: a later request resets the connection's query log.
    queries_for_one = len(one_row)
    for index in range(5):
        make_asset(asset_type="text", name=f"more{index}")
    with django_assert_num_queries(queries_for_one):
        assert len(ok(api.get("/api/assets/by-type/text"))) == 6
