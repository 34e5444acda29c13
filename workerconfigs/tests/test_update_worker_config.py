import pytest

from core.testing import error, ok
from workerconfigs.models import WorkerConfig
from workerconfigs.testing import CONFIG_KEYS

# Section 6.4's request body, every field sent.
CONTRACT_UPDATE = {
    "config_name": "string",
    "config_type": "string",
    "worker_type": "string",
    "config_data": {},
    "description": "string",
    "priority": 10,
    "is_active": True,
}


def test_contract_example_sets_every_field(api, make_config):
    config = make_config(config_data={"old": 1}, priority=1, is_active=False)
    data = ok(api.put(f"/api/worker-configs/{config.id}", CONTRACT_UPDATE, format="json"))
    assert set(data) == CONFIG_KEYS
    assert {key: data[key] for key in CONTRACT_UPDATE} == CONTRACT_UPDATE
    config.refresh_from_db()
    assert config.config_data == {} and config.priority == 10 and config.is_active


@pytest.mark.parametrize("suffix", ["", "/"])
def test_only_the_fields_sent_change(api, make_config, suffix):
    config = make_config(config_name="keep", config_data={"a": 1}, priority=3)
    response = api.put(f"/api/worker-configs/{config.id}{suffix}", {"priority": 7}, format="json")
    data = ok(response)
    assert data["priority"] == 7
    assert data["config_name"] == "keep"
    assert data["config_data"] == {"a": 1}


def test_config_data_is_replaced_not_merged(api, make_config):
    config = make_config(config_data={"a": 1, "b": 2})
    data = ok(api.put(f"/api/worker-configs/{config.id}", {"config_data": {"c": 3}}, format="json"))
    assert data["config_data"] == {"c": 3}


def test_inactive_config_can_be_reactivated(api, make_config):
    config = make_config(is_active=False)
    assert ok(api.put(f"/api/worker-configs/{config.id}", {"is_active": True}, format="json"))[
        "is_active"
    ]
    assert [c["id"] for c in ok(api.get("/api/worker-configs"))] == [config.id]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"config_data": [1]}, "config_data: Must be a JSON object."),
        ({"config_data": None}, "config_data: This field may not be null."),
        ({"priority": 1.5}, "priority: A valid integer is required."),
        ({"is_active": None}, "is_active: This field may not be null."),
        ({"config_name": None}, "config_name: This field may not be null."),
        ({"worker_type": ""}, "worker_type: This field may not be blank."),
    ],
)
def test_bad_value_is_refused_by_name_and_nothing_changes(api, make_config, body, message):
    config = make_config(config_name="before", priority=1)
    response = api.put(
        f"/api/worker-configs/{config.id}", {"config_name": "after", **body}, format="json"
    )
    assert error(response, 400) == message
    config.refresh_from_db()
    assert config.config_name == "before" and config.priority == 1


def test_unknown_id_is_a_404(api):
    response = api.put("/api/worker-configs/777", {"priority": 1}, format="json")
    assert error(response, 404) == "Worker config not found"


def test_no_token_is_refused_and_nothing_changes(anon, make_config):
    config = make_config(priority=1)
    assert error(anon.put(f"/api/worker-configs/{config.id}", {"priority": 9}, format="json"), 401)
    assert WorkerConfig.objects.get(id=config.id).priority == 1
