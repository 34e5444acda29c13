import pytest

from core.testing import error, ok
from workerconfigs.testing import CONFIG_KEYS, EXAMPLE_CONFIG


@pytest.mark.parametrize("suffix", ["", "/"])
def test_returns_the_config_as_created(api, suffix):
    created = ok(api.post("/api/worker-configs", EXAMPLE_CONFIG, format="json"), 201)
    data = ok(api.get(f"/api/worker-configs/{created['id']}{suffix}"))
    assert set(data) == CONFIG_KEYS
    assert data == created


def test_inactive_config_is_still_readable(api, make_config):
    config = make_config(is_active=False)
    assert ok(api.get(f"/api/worker-configs/{config.id}"))["is_active"] is False


@pytest.mark.parametrize("config_id", ["999999", str(2**63)])
def test_unknown_id_is_a_404(api, config_id):
    assert error(api.get(f"/api/worker-configs/{config_id}"), 404) == "Worker config not found"


def test_no_token_is_refused(anon, make_config):
    assert error(anon.get(f"/api/worker-configs/{make_config().id}"), 401)
