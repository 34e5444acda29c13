import threading

import pytest
from django.db import connection

from core.exceptions import ApplicationError, NotFoundError
from tasks import task_configs as services
from tasks.models import TaskConfig


def test_merge_puts_the_override_on_top():
    base = {"a": 1, "nested": {"x": 1, "y": 2}, "list": [1, 2]}
    override = {"b": 2, "nested": {"y": 3, "z": 4}, "list": [3]}
    assert services.merge_config_data(base, override) == {
        "a": 1,
        "b": 2,
        "nested": {"x": 1, "y": 3, "z": 4},
        "list": [3],
    }
    assert base == {"a": 1, "nested": {"x": 1, "y": 2}, "list": [1, 2]}


def test_merge_lets_a_scalar_replace_an_object_and_back():
    assert services.merge_config_data({"a": {"x": 1}}, {"a": None}) == {"a": None}
    assert services.merge_config_data({"a": 5}, {"a": {"x": 1}}) == {"a": {"x": 1}}


def test_tasks_merged_configs_answers_for_many_tasks_in_one_query(
    make_task, make_config, django_assert_num_queries
):
    first, second, bare = make_task(), make_task(), make_task()
    low = make_config(config_name="low", priority=1, config_data={"t": 1})
    high = make_config(config_name="high", priority=9, config_data={"t": 1})
    services.task_configs_assign(task_id=first.id, config_ids=[low.id, high.id])
    services.task_configs_assign(task_id=second.id, config_ids=[low.id], override_data={"t": 2})
    with django_assert_num_queries(1):
        merged = services.tasks_merged_configs([first.id, second.id, bare.id])
    assert [c["config_name"] for c in merged[first.id]] == ["high", "low"]
    assert merged[second.id][0]["config_data"] == {"t": 2}
    assert merged[bare.id] == []


def test_task_merged_configs_of_one_task(make_task, make_config):
    task = make_task()
    config = make_config(config_data={"a": 1})
    services.task_configs_assign(task_id=task.id, config_ids=[config.id], override_data={"b": 2})
    assert services.task_merged_configs(task.id) == [
        {
            "config_id": config.id,
            "config_name": config.config_name,
            "config_type": config.config_type,
            "worker_type": config.worker_type,
            "priority": config.priority,
            "config_data": {"a": 1, "b": 2},
        }
    ]


def test_assign_refuses_an_unknown_task(make_config):
    with pytest.raises(NotFoundError, match="Task not found"):
        services.task_configs_assign(task_id=424242, config_ids=[make_config().id])


def test_assign_refuses_inactive_configs(make_task, make_config):
    config = make_config(is_active=False)
    with pytest.raises(ApplicationError, match=f"inactive: {config.id}"):
        services.task_configs_assign(task_id=make_task().id, config_ids=[config.id])
    assert not TaskConfig.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_assigns_of_one_pair_leave_one_link(make_task, make_config):
    task, config = make_task(), make_config()
    barrier = threading.Barrier(4)
    errors = []

    def assign(index):
        try:
            barrier.wait()
            services.task_configs_assign(
                task_id=task.id, config_ids=[config.id], override_data={"by": index}
            )
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    [link] = TaskConfig.objects.filter(task=task, config=config)
    assert link.override_data["by"] in range(4)
