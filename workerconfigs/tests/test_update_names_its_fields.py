import pytest

from workerconfigs import services


def test_worker_config_update_refuses_fields_it_does_not_name(db):
    config = services.worker_config_create(config_name="c", config_type="t", worker_type="w")
    with pytest.raises(TypeError, match=r"updatable here: id$"):
        services.worker_config_update(config=config, priority=3, id=99)
    config.refresh_from_db()
    assert config.priority == 0
