import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.testing import assert_utc_timestamp, error, ok
from tasks.models import Task, TaskConfig
from workerconfigs.testing import EXAMPLE_CONFIG

LINK_KEYS = {"id", "task_id", "config_id", "override_data", "created_at", "updated_at"}


def assign(api, task_id, body, suffix=""):
    return api.post(f"/api/worker-configs/tasks/{task_id}/assign{suffix}", body, format="json")


def test_contract_example_links_the_configs(api, make_task, make_config):
    task = make_task()
    configs = [make_config(config_name=f"c{i}") for i in range(3)]
    body = {"config_ids": [c.id for c in configs], "override_data": {"custom_param": "value"}}
    data = ok(assign(api, task.id, body))
    assert [link["config_id"] for link in data] == [c.id for c in configs]
    for link in data:
        assert set(link) == LINK_KEYS
        assert link["task_id"] == task.id
        assert link["override_data"] == {"custom_param": "value"}
        assert_utc_timestamp(link["created_at"])
    assert TaskConfig.objects.filter(task=task).count() == 3
    assert {link["id"] for link in data} == set(
        TaskConfig.objects.filter(task=task).values_list("id", flat=True)
    )


def test_contract_example_config_and_override_end_to_end(api, make_task):
    task = make_task()
    config = ok(api.post("/api/worker-configs", EXAMPLE_CONFIG, format="json"), 201)
    body = {"config_ids": [config["id"]], "override_data": {"custom_param": "value"}}
    [link] = ok(assign(api, task.id, body))
    assert {key: link[key] for key in ("task_id", "config_id", "override_data")} == {
        "task_id": task.id,
        "config_id": config["id"],
        "override_data": {"custom_param": "value"},
    }


@pytest.mark.parametrize("suffix", ["", "/"])
def test_post_works_with_and_without_trailing_slash(api, make_task, make_config, suffix):
    task, config = make_task(), make_config()
    ok(assign(api, task.id, {"config_ids": [config.id]}, suffix))
    assert TaskConfig.objects.filter(task=task, config=config).exists()


def test_override_defaults_to_an_empty_object(api, make_task, make_config):
    task, config = make_task(), make_config()
    [link] = ok(assign(api, task.id, {"config_ids": [config.id]}))
    assert link["override_data"] == {}


def test_assigning_again_updates_the_override_and_never_duplicates(api, make_task, make_config):
    task, config = make_task(), make_config()
    [first] = ok(assign(api, task.id, {"config_ids": [config.id], "override_data": {"a": 1}}))
    [second] = ok(assign(api, task.id, {"config_ids": [config.id], "override_data": {"b": 2}}))
    assert second["id"] == first["id"]
    assert second["created_at"] == first["created_at"]
    assert second["override_data"] == {"b": 2}
    link = TaskConfig.objects.get(task=task, config=config)
    assert link.override_data == {"b": 2}
    assert TaskConfig.objects.count() == 1


def test_repeated_ids_in_one_request_make_one_link(api, make_task, make_config):
    task, config = make_task(), make_config()
    data = ok(assign(api, task.id, {"config_ids": [config.id, config.id]}))
    assert len(data) == 1
    assert TaskConfig.objects.count() == 1


def test_other_links_of_the_task_are_kept(api, make_task, make_config):
    task, first, second = make_task(), make_config(), make_config()
    ok(assign(api, task.id, {"config_ids": [first.id]}))
    ok(assign(api, task.id, {"config_ids": [second.id]}))
    assert set(TaskConfig.objects.values_list("config_id", flat=True)) == {first.id, second.id}


def test_unknown_task_is_a_404_and_nothing_is_written(api, make_config):
    config = make_config()
    assert error(assign(api, 987654, {"config_ids": [config.id]}), 404) == "Task not found"
    assert not TaskConfig.objects.exists()


def test_task_id_beyond_bigint_is_a_404(api, make_config):
    response = assign(api, 2**63, {"config_ids": [make_config().id]})
    assert error(response, 404) == "Task not found"


def test_deleted_task_is_a_404(api, make_task, make_config):
    task, config = make_task(), make_config()
    Task.all_objects.filter(id=task.id).update(deleted_at=task.created_at)
    assert error(assign(api, task.id, {"config_ids": [config.id]}), 404) == "Task not found"
    assert not TaskConfig.objects.exists()


def test_unknown_and_inactive_configs_are_named_and_nothing_is_written(api, make_task, make_config):
    task = make_task()
    good = make_config()
    inactive = make_config(is_active=False)
    body = {"config_ids": [good.id, 99998, inactive.id, 99999], "override_data": {"x": 1}}
    assert error(assign(api, task.id, body), 400) == (
        f"config_ids: Worker configs not found: 99998, 99999; "
        f"Worker configs inactive: {inactive.id}."
    )
    assert not TaskConfig.objects.exists()


def test_a_refused_request_leaves_existing_overrides_alone(api, make_task, make_config):
    task, config = make_task(), make_config()
    ok(assign(api, task.id, {"config_ids": [config.id], "override_data": {"keep": True}}))
    body = {"config_ids": [config.id, 99999], "override_data": {"keep": False}}
    assert error(assign(api, task.id, body), 400)
    assert TaskConfig.objects.get().override_data == {"keep": True}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "config_ids: This field is required."),
        ({"config_ids": []}, "config_ids: This list may not be empty."),
        ({"config_ids": 1}, 'config_ids: Expected a list of items but got type "int".'),
        ({"config_ids": ["1"]}, "config_ids[0]: A valid integer is required."),
        ({"config_ids": [True]}, "config_ids[0]: A valid integer is required."),
        ({"config_ids": [0]}, "config_ids[0]: Ensure this value is greater than or equal to 1."),
        ({"config_ids": [1], "override_data": [1]}, "override_data: Must be a JSON object."),
        ({"config_ids": [1], "override_data": None}, "override_data: This field may not be null."),
    ],
)
def test_bad_body_is_refused_by_name(api, make_task, body, message):
    task = make_task()
    assert error(assign(api, task.id, body), 400) == message
    assert not TaskConfig.objects.exists()


def test_no_token_is_refused_and_nothing_is_written(anon, make_task, make_config):
    task, config = make_task(), make_config()
    assert error(assign(anon, task.id, {"config_ids": [config.id]}), 401)
    assert not TaskConfig.objects.exists()


def test_query_count_does_not_grow_with_configs(
    api, make_task, make_config, django_assert_num_queries
):
    task = make_task()
    one = [make_config().id]
    with CaptureQueriesContext(connection) as one_config:
        assert len(ok(assign(api, task.id, {"config_ids": one}))) == 1
    # Counted now: a later request resets the connection's query log.
    queries_for_one = len(one_config)
    many = [make_config().id for _ in range(6)]
    with django_assert_num_queries(queries_for_one):
        assert len(ok(assign(api, task.id, {"config_ids": one + many}))) == 7
