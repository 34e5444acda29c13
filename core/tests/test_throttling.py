"""Finding 7: failed authentication is throttled per address, requests per client by role."""

import pytest

from core.roles import Role
from core.testing import error, make_token, ok


@pytest.fixture(autouse=True, params=[0, 5], ids=["no-token-cache", "token-cache"])
def _token_cache_seconds(request, settings):
    # The same answers whether a good token is looked up or served from the cache.
    settings.SHORTSGEN_TOKEN_CACHE_SECONDS = request.param


def test_repeated_bad_tokens_are_throttled_even_with_a_good_token_after(anon, settings):
    settings.SHORTSGEN_THROTTLE_RATES = {
        **settings.SHORTSGEN_THROTTLE_RATES,
        "failed_auth": "3/min",
    }
    good = make_token()
    anon.credentials(HTTP_AUTHORIZATION="Token sg_guess")
    for _ in range(3):
        assert error(anon.get("/projects"), 401) == "Invalid token."
    response = anon.get("/projects")
    assert error(response, 429).startswith("Too many failed authentication attempts.")
    assert 0 < int(response["Retry-After"]) <= 60
    anon.credentials(HTTP_AUTHORIZATION=f"Token {good}")
    assert error(anon.get("/projects"), 429)


def test_other_addresses_are_not_throttled(anon, settings):
    settings.SHORTSGEN_THROTTLE_RATES = {
        **settings.SHORTSGEN_THROTTLE_RATES,
        "failed_auth": "2/min",
    }
    anon.credentials(HTTP_AUTHORIZATION="Token sg_guess")
    for _ in range(3):
        anon.get("/projects")
    anon.credentials(HTTP_AUTHORIZATION=f"Token {make_token()}")
    assert ok(anon.get("/projects", REMOTE_ADDR="10.9.8.7")) == []


def test_successful_requests_are_not_counted_as_failures(anon, settings):
    settings.SHORTSGEN_THROTTLE_RATES = {
        **settings.SHORTSGEN_THROTTLE_RATES,
        "failed_auth": "2/min",
    }
    anon.credentials(HTTP_AUTHORIZATION=f"Token {make_token()}")
    for _ in range(5):
        assert ok(anon.get("/projects")) == []


def test_each_client_is_limited_at_its_roles_rate(anon, settings):
    settings.SHORTSGEN_THROTTLE_RATES = {
        **settings.SHORTSGEN_THROTTLE_RATES,
        "client": "2/min",
        "worker": "4/min",
    }
    client_token = make_token("front", Role.CLIENT)
    worker_token = make_token("render-1", Role.WORKER)
    anon.credentials(HTTP_AUTHORIZATION=f"Token {client_token}")
    ok(anon.get("/projects"))
    ok(anon.get("/projects"))
    response = anon.get("/projects")
    assert error(response, 429)
    assert int(response["Retry-After"]) > 0
    anon.credentials(HTTP_AUTHORIZATION=f"Token {worker_token}")
    for _ in range(4):
        ok(anon.get("/api/tasks/types"))
    assert error(anon.get("/api/tasks/types"), 429)
