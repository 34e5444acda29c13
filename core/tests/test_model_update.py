import pytest

from core.model_update import model_update
from workerconfigs.models import WorkerConfig


@pytest.fixture
def config(db):
    return WorkerConfig.objects.create(config_name="c", config_type="t", worker_type="w")


def test_it_writes_only_the_listed_fields_that_changed(config, django_assert_num_queries):
    with django_assert_num_queries(1):
        _, changed = model_update(
            instance=config, fields=["priority", "description"], data={"priority": 5}
        )
    assert changed
    config.refresh_from_db()
    assert (config.priority, config.description) == (5, None)


def test_it_saves_nothing_when_nothing_changed(config, django_assert_num_queries):
    with django_assert_num_queries(0):
        _, changed = model_update(instance=config, fields=["priority"], data={"priority": 0})
    assert not changed


def test_it_refuses_a_field_it_was_not_given(config):
    with pytest.raises(TypeError, match="not updatable here: config_name"):
        model_update(instance=config, fields=["priority"], data={"config_name": "x"})
    config.refresh_from_db()
    assert config.config_name == "c"
