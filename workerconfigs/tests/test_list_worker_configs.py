import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.testing import error, ok
from workerconfigs.testing import CONFIG_KEYS


def ids(response):
    return [config["id"] for config in ok(response)]


def test_contract_query_filters_by_every_field(api, make_config):
    wanted = make_config(worker_type="video_generator", config_type="execution")
    make_config(worker_type="video_generator", config_type="network")
    make_config(worker_type="audio_generator", config_type="execution")
    make_config(worker_type="video_generator", config_type="execution", is_active=False)
    response = api.get(
        "/api/worker-configs?worker_type=video_generator&config_type=execution"
        "&is_active=true&skip=0&limit=100"
    )
    data = ok(response)
    assert [config["id"] for config in data] == [wanted.id]
    assert set(data[0]) == CONFIG_KEYS
    assert response["X-Total-Count"] == "1"


def test_without_is_active_only_active_configs_are_listed(api, make_config):
    active = make_config()
    make_config(is_active=False)
    response = api.get("/api/worker-configs")
    assert ids(response) == [active.id]
    assert response["X-Total-Count"] == "1"


@pytest.mark.parametrize("value", ["false", "False", "0"])
def test_is_active_false_lists_the_inactive_ones(api, make_config, value):
    make_config()
    inactive = make_config(is_active=False)
    assert ids(api.get(f"/api/worker-configs?is_active={value}")) == [inactive.id]


def test_is_active_true_lists_the_active_ones(api, make_config):
    active = make_config()
    make_config(is_active=False)
    assert ids(api.get("/api/worker-configs?is_active=TRUE")) == [active.id]


def test_ordered_by_priority_highest_first_then_id(api, make_config):
    low = make_config(priority=-5)
    high = make_config(priority=20)
    mid_a = make_config(priority=10)
    mid_b = make_config(priority=10)
    assert ids(api.get("/api/worker-configs")) == [high.id, mid_a.id, mid_b.id, low.id]


def test_filter_by_worker_type(api, make_config):
    audio = make_config(worker_type="audio_generator")
    make_config(worker_type="video_generator")
    assert ids(api.get("/api/worker-configs?worker_type=audio_generator")) == [audio.id]


def test_filter_by_config_type(api, make_config):
    network = make_config(config_type="network")
    make_config(config_type="execution")
    assert ids(api.get("/api/worker-configs?config_type=network")) == [network.id]


def test_skip_and_limit_select_a_page(api, make_config):
    configs = [make_config(priority=p) for p in (5, 4, 3, 2, 1)]
    response = api.get("/api/worker-configs?skip=1&limit=2")
    assert ids(response) == [configs[1].id, configs[2].id]
    assert response["X-Total-Count"] == "5"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("is_active=maybe", "is_active: Must be true or false."),
        ("is_active=yes", "is_active: Must be true or false."),
        ("limit=0", "limit: Ensure this value is greater than or equal to 1."),
        ("skip=x", "skip: A valid integer is required."),
    ],
)
def test_bad_query_values_are_refused(api, make_config, query, message):
    make_config()
    assert error(api.get(f"/api/worker-configs?{query}"), 400) == message


def test_no_token_is_refused(anon):
    assert error(anon.get("/api/worker-configs"), 401)


def test_query_count_does_not_grow_with_rows(api, make_config, django_assert_num_queries):
    make_config()
    with CaptureQueriesContext(connection) as one_row:
        assert len(ok(api.get("/api/worker-configs"))) == 1
    # Counted now: a later request resets the connection's query log.
    queries_for_one = len(one_row)
    for priority in range(5):
        make_config(priority=priority)
    with django_assert_num_queries(queries_for_one):
        assert len(ok(api.get("/api/worker-configs"))) == 6
