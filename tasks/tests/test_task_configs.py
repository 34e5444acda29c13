import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.testing import error, ok
from tasks.models import Task
from workerconfigs.testing import EXAMPLE_CONFIG

MERGED_KEYS = {"config_id", "config_name", "config_type", "worker_type", "priority", "config_data"}


def assign(api, task_id, config_ids, override_data=None):
    body = {"config_ids": config_ids}
    if override_data is not None:
        body["override_data"] = override_data
    return ok(api.post(f"/api/worker-configs/tasks/{task_id}/assign", body, format="json"))


@pytest.mark.parametrize("suffix", ["", "/"])
def test_contract_example_merges_the_override_into_config_data(api, make_task, suffix):
    task = make_task()
    config = ok(api.post("/api/worker-configs", EXAMPLE_CONFIG, format="json"), 201)
    assign(api, task.id, [config["id"]], {"custom_param": "value"})
    data = ok(api.get(f"/api/worker-configs/tasks/{task.id}/configs{suffix}"))
    assert data == {
        "task_id": task.id,
        "configs": [
            {
                "config_name": "video_worker_config",
                "config_data": {"max_concurrent": 3, "timeout": 300, "custom_param": "value"},
                "config_id": config["id"],
                "config_type": "execution",
                "worker_type": "video_generator",
                "priority": 10,
            }
        ],
    }


def test_override_wins_over_config_data(api, make_task, make_config):
    task = make_task()
    config = make_config(config_data={"timeout": 300, "retries": 2})
    assign(api, task.id, [config.id], {"timeout": 900})
    [merged] = ok(api.get(f"/api/worker-configs/tasks/{task.id}/configs"))["configs"]
    assert merged["config_data"] == {"timeout": 900, "retries": 2}


def test_nested_objects_are_merged_key_by_key(api, make_task, make_config):
    task = make_task()
    config = make_config(config_data={"model": {"name": "gen-3", "steps": 30}, "tags": ["a"]})
    assign(api, task.id, [config.id], {"model": {"steps": 50}, "tags": ["b"]})
    [merged] = ok(api.get(f"/api/worker-configs/tasks/{task.id}/configs"))["configs"]
    assert merged["config_data"] == {"model": {"name": "gen-3", "steps": 50}, "tags": ["b"]}


def test_configs_come_highest_priority_first(api, make_task, make_config):
    task = make_task()
    low = make_config(config_name="low", priority=1)
    high = make_config(config_name="high", priority=50)
    tie_a = make_config(config_name="tie a", priority=10)
    tie_b = make_config(config_name="tie b", priority=10)
    assign(api, task.id, [low.id, tie_b.id, high.id, tie_a.id])
    configs = ok(api.get(f"/api/worker-configs/tasks/{task.id}/configs"))["configs"]
    assert [c["config_id"] for c in configs] == [high.id, tie_a.id, tie_b.id, low.id]
    assert set(configs[0]) == MERGED_KEYS


def test_inactive_configs_are_left_out(api, make_task, make_config):
    task = make_task()
    active, later_inactive = make_config(), make_config()
    assign(api, task.id, [active.id, later_inactive.id])
    ok(api.put(f"/api/worker-configs/{later_inactive.id}", {"is_active": False}, format="json"))
    configs = ok(api.get(f"/api/worker-configs/tasks/{task.id}/configs"))["configs"]
    assert [c["config_id"] for c in configs] == [active.id]


def test_only_this_tasks_configs(api, make_task, make_config):
    task, other = make_task(), make_task()
    mine, theirs = make_config(), make_config()
    assign(api, task.id, [mine.id])
    assign(api, other.id, [theirs.id], {"x": 1})
    configs = ok(api.get(f"/api/worker-configs/tasks/{task.id}/configs"))["configs"]
    assert [c["config_id"] for c in configs] == [mine.id]


def test_task_without_configs_has_an_empty_list(api, make_task):
    task = make_task()
    assert ok(api.get(f"/api/worker-configs/tasks/{task.id}/configs")) == {
        "task_id": task.id,
        "configs": [],
    }


def test_unknown_task_is_a_404(api):
    assert error(api.get("/api/worker-configs/tasks/123456/configs"), 404) == "Task not found"


def test_task_id_beyond_bigint_is_a_404(api):
    assert error(api.get(f"/api/worker-configs/tasks/{2**63}/configs"), 404) == "Task not found"


def test_deleted_task_is_a_404(api, make_task):
    task = make_task()
    Task.all_objects.filter(id=task.id).update(deleted_at=task.created_at)
    assert error(api.get(f"/api/worker-configs/tasks/{task.id}/configs"), 404) == ("Task not found")


def test_no_token_is_refused(anon, make_task):
    assert error(anon.get(f"/api/worker-configs/tasks/{make_task().id}/configs"), 401)


def test_query_count_does_not_grow_with_configs(
    api, make_task, make_config, django_assert_num_queries
):
    task = make_task()
    assign(api, task.id, [make_config().id], {"k": 1})
    with CaptureQueriesContext(connection) as one_config:
        assert len(ok(api.get(f"/api/worker-configs/tasks/{task.id}/configs"))["configs"]) == 1
    # Counted now: a later request resets the connection's query log.
    queries_for_one = len(one_config)
    assign(api, task.id, [make_config(priority=p).id for p in range(6)], {"k": 2})
    with django_assert_num_queries(queries_for_one):
        assert len(ok(api.get(f"/api/worker-configs/tasks/{task.id}/configs"))["configs"]) == 7
