import pytest

from core.testing import error, ok
from workerconfigs.models import WorkerConfig


@pytest.mark.parametrize("suffix", ["", "/"])
def test_delete_deactivates_and_keeps_the_row(api, make_config, suffix):
    config = make_config(config_name="kept")
    assert ok(api.delete(f"/api/worker-configs/{config.id}{suffix}")) == {
        "message": "Worker config deactivated"
    }
    row = WorkerConfig.objects.get(id=config.id)
    assert row.is_active is False
    assert row.config_name == "kept"


def test_default_list_hides_it_and_is_active_false_shows_it(api, make_config):
    config = make_config()
    ok(api.delete(f"/api/worker-configs/{config.id}"))
    assert ok(api.get("/api/worker-configs")) == []
    assert [c["id"] for c in ok(api.get("/api/worker-configs?is_active=false"))] == [config.id]
    assert ok(api.get(f"/api/worker-configs/{config.id}"))["is_active"] is False


def test_deleting_an_inactive_config_again_is_harmless(api, make_config):
    config = make_config(is_active=False)
    ok(api.delete(f"/api/worker-configs/{config.id}"))
    assert WorkerConfig.objects.get(id=config.id).is_active is False


def test_deactivated_config_drops_out_of_task_configs(api, make_config, make_task):
    task = make_task()
    config = make_config()
    ok(
        api.post(
            f"/api/worker-configs/tasks/{task.id}/assign",
            {"config_ids": [config.id]},
            format="json",
        )
    )
    ok(api.delete(f"/api/worker-configs/{config.id}"))
    assert ok(api.get(f"/api/worker-configs/tasks/{task.id}/configs"))["configs"] == []


def test_unknown_id_is_a_404(api):
    assert error(api.delete("/api/worker-configs/5150"), 404) == "Worker config not found"


def test_no_token_is_refused_and_nothing_changes(anon, make_config):
    config = make_config()
    assert error(anon.delete(f"/api/worker-configs/{config.id}"), 401)
    assert WorkerConfig.objects.get(id=config.id).is_active
