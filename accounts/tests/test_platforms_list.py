import pytest

from core.testing import error, ok


@pytest.mark.parametrize(
    "path", ["/api/platform-accounts/platforms/list", "/api/platform-accounts/platforms/list/"]
)
def test_contract_example(api, path):
    response = api.get(path)
    assert response.json() == {
        "code": 0,
        "msg": "success",
        "data": ["dreamina", "midjourney", "runway"],
    }
    ok(response)


def test_is_not_paginated(api):
    assert "X-Total-Count" not in api.get("/api/platform-accounts/platforms/list")


def test_no_token_is_refused(anon):
    assert error(anon.get("/api/platform-accounts/platforms/list"), 401)
