import pytest

from core.testing import assert_utc_timestamp, error, ok
from workerconfigs.models import WorkerConfig
from workerconfigs.testing import CONFIG_KEYS, EXAMPLE_CONFIG


def test_contract_example_creates_the_config(api):
    data = ok(api.post("/api/worker-configs", EXAMPLE_CONFIG, format="json"), 201)
    assert set(data) == CONFIG_KEYS
    assert {key: data[key] for key in EXAMPLE_CONFIG} == EXAMPLE_CONFIG
    assert_utc_timestamp(data["created_at"])
    assert_utc_timestamp(data["updated_at"])
    config = WorkerConfig.objects.get(id=data["id"])
    assert config.config_data == {"max_concurrent": 3, "timeout": 300}
    assert config.priority == 10 and config.is_active


def test_defaults_for_the_optional_fields(api):
    body = {"config_name": "c", "config_type": "execution", "worker_type": "w"}
    data = ok(api.post("/api/worker-configs", body, format="json"), 201)
    assert data["config_data"] == {}
    assert data["description"] is None
    assert data["priority"] == 0
    assert data["is_active"] is True


def test_can_be_created_inactive(api):
    data = ok(
        api.post("/api/worker-configs", {**EXAMPLE_CONFIG, "is_active": False}, format="json"), 201
    )
    assert data["is_active"] is False


@pytest.mark.parametrize("path", ["/api/worker-configs", "/api/worker-configs/"])
def test_post_works_with_and_without_trailing_slash(api, path):
    ok(api.post(path, EXAMPLE_CONFIG, format="json"), 201)
    assert WorkerConfig.objects.count() == 1


@pytest.mark.parametrize("field", ["config_name", "config_type", "worker_type"])
def test_missing_name_fields_are_named(api, field):
    body = {key: value for key, value in EXAMPLE_CONFIG.items() if key != field}
    response = api.post("/api/worker-configs", body, format="json")
    assert error(response, 400) == f"{field}: This field is required."
    assert not WorkerConfig.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("config_data", [1, 2], "config_data: Must be a JSON object."),
        ("config_data", "x", "config_data: Must be a JSON object."),
        ("config_data", None, "config_data: This field may not be null."),
        ("priority", "high", "priority: A valid integer is required."),
        ("priority", 2**31, "priority: Ensure this value is less than or equal to 2147483647."),
        ("is_active", "maybe", "is_active: Must be a valid boolean."),
        ("config_name", "", "config_name: This field may not be blank."),
        (
            "worker_type",
            "w" * 101,
            "worker_type: Ensure this field has no more than 100 characters.",
        ),
    ],
)
def test_bad_field_is_refused_by_name_and_nothing_is_created(api, field, value, message):
    response = api.post("/api/worker-configs", {**EXAMPLE_CONFIG, field: value}, format="json")
    assert error(response, 400) == message
    assert not WorkerConfig.objects.exists()


def test_no_token_is_refused_and_nothing_is_created(anon):
    assert error(anon.post("/api/worker-configs", EXAMPLE_CONFIG, format="json"), 401)
    assert not WorkerConfig.objects.exists()
