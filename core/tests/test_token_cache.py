"""A token found once is served from the process's cache for a few seconds: no auth query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from core import token_cache
from core.models import ApiClient, AuditEntry
from core.roles import Role
from core.services import api_client_revoke, api_client_rotate_token, api_client_set_role
from core.testing import error, make_token, ok

AUTH_TABLES = ("knox_authtoken", "core_apiclient", "auth_user")


@pytest.fixture
def cache_seconds(settings):
    settings.SHORTSGEN_TOKEN_CACHE_SECONDS = 5
    return 5


@pytest.fixture
def client_api(anon):
    anon.credentials(HTTP_AUTHORIZATION=f"Token {make_token('cached-client', Role.CLIENT)}")
    return anon


def client_of(name: str) -> ApiClient:
    return ApiClient.objects.get(user__username=name)


def queries_of(api, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        ok(api.get(path))
    return [query["sql"] for query in queries]


def touches_auth(sql: str) -> bool:
    return any(table in sql for table in AUTH_TABLES)


def test_a_second_request_with_the_same_token_runs_no_auth_query(client_api, cache_seconds):
    first = queries_of(client_api, "/api/tasks/types")
    second = queries_of(client_api, "/api/tasks/types")
    assert [sql for sql in first if touches_auth(sql)]
    assert [sql for sql in second if touches_auth(sql)] == []
    assert len(second) == len(first) - 2  # knox's token-and-user lookup, and the role


def test_without_the_cache_every_request_looks_the_token_up(client_api, settings):
    settings.SHORTSGEN_TOKEN_CACHE_SECONDS = 0
    first = queries_of(client_api, "/api/tasks/types")
    second = queries_of(client_api, "/api/tasks/types")
    assert len(second) == len(first)
    assert [sql for sql in second if touches_auth(sql)]


def test_a_revoked_token_is_refused_at_once_in_the_revoking_process(client_api, cache_seconds):
    ok(client_api.get("/api/tasks/types"))
    api_client_revoke(client=client_of("cached-client"))
    assert error(client_api.get("/api/tasks/types"), 401) == "Invalid token."


def test_a_rotated_tokens_old_value_is_refused_and_the_new_one_works(client_api, cache_seconds):
    ok(client_api.get("/api/tasks/types"))
    new_token = api_client_rotate_token(client=client_of("cached-client"))
    assert error(client_api.get("/api/tasks/types"), 401) == "Invalid token."
    client_api.credentials(HTTP_AUTHORIZATION=f"Token {new_token}")
    assert ok(client_api.get("/api/tasks/types")) == []


def test_a_token_revoked_by_another_process_is_refused_once_the_ttl_passes(
    client_api, cache_seconds, monkeypatch
):
    ok(client_api.get("/api/tasks/types"))
    # Another process revokes: the rows go, but this process's cache is not told.
    AuthToken.objects.filter(user__username="cached-client").delete()
    assert ok(client_api.get("/api/tasks/types")) == []
    later = token_cache.time.monotonic() + cache_seconds
    monkeypatch.setattr(token_cache.time, "monotonic", lambda: later)
    assert error(client_api.get("/api/tasks/types"), 401) == "Invalid token."


def test_a_role_change_takes_effect_at_once(client_api, cache_seconds):
    ok(client_api.get("/api/assets"))
    api_client_set_role(client=client_of("cached-client"), role=Role.N8N)
    assert error(client_api.get("/api/assets"), 403).startswith("Forbidden for a n8n token")


def test_a_cached_request_still_acts_as_its_client(client_api, cache_seconds):
    ok(client_api.get("/api/tasks/types"))
    body = {"name": "cached", "project_type": "unknown"}
    with CaptureQueriesContext(connection) as queries:
        project = ok(client_api.post("/projects", body, format="json"), 201)
    assert not any(touches_auth(q["sql"]) for q in queries)
    entry = AuditEntry.objects.get(action="project.create", target_id=project["id"])
    user_id = client_of("cached-client").user_id
    assert (entry.actor_kind, entry.actor_name, entry.actor_user_id) == (
        "api_client",
        "cached-client",
        user_id,
    )


def test_the_cached_user_loads_the_rest_when_asked(client_api, cache_seconds):
    ok(client_api.get("/api/tasks/types"))
    [(digest, (_, cached))] = token_cache._entries.items()
    user = token_cache.TokenUser(cached)
    assert (user.pk, user.username, user.api_role, user.is_authenticated) == (
        client_of("cached-client").user_id,
        "cached-client",
        Role.CLIENT,
        True,
    )
    assert user.has_perm("projects.set_workflow_urls") is False
    assert user.date_joined is not None
    assert digest == AuthToken.objects.get(user__username="cached-client").digest


def test_the_cache_keeps_digests_never_tokens(anon, cache_seconds):
    token = make_token("cached-client", Role.CLIENT)
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    ok(anon.get("/api/tasks/types"))
    assert token not in repr(token_cache._entries)
    assert list(token_cache._entries) == [AuthToken.objects.get().digest]
