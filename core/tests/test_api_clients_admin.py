"""API clients in the console: a token shown once at creation, roles changed, tokens rotated."""

import re

import pytest
from django.test import Client
from knox.models import AuthToken

from core.models import ApiClient
from core.testing import error, make_token, ok

TOKEN = re.compile(r"sg_[0-9a-f]{64}")


@pytest.fixture
def console(db, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-long-1234")
    client = Client()
    client.force_login(admin)
    return client


def test_adding_a_client_shows_its_token_once(console, anon):
    response = console.post(
        "/admin/core/apiclient/add/", {"name": "render-9", "role": "worker"}, follow=True
    )
    assert response.status_code == 200
    [token] = TOKEN.findall(response.content.decode())
    assert ApiClient.objects.get(user__username="render-9").role == "worker"
    anon.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert ok(anon.get("/api/tasks/types")) == []
    for page in ("/admin/core/apiclient/", f"/admin/core/apiclient/{ApiClient.objects.get().pk}/"):
        assert not TOKEN.search(console.get(page).content.decode())


def test_a_taken_name_is_a_form_error(console):
    make_token("front")
    response = console.post("/admin/core/apiclient/add/", {"name": "front", "role": "client"})
    assert response.status_code == 200
    assert "is taken (by a client or a person)" in response.content.decode()
    assert ApiClient.objects.count() == 1


def test_changing_the_role_takes_effect_at_once(console, anon):
    token = make_token("bot")
    anon.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    ok(anon.get("/projects"))
    client = ApiClient.objects.get()
    console.post(f"/admin/core/apiclient/{client.pk}/change/", {"role": "worker"})
    assert ApiClient.objects.get().role == "worker"
    assert error(anon.get("/projects"), 403)


def test_rotating_revokes_the_old_token_and_shows_the_new_one_once(console, anon):
    old = make_token("bot")
    client = ApiClient.objects.get()
    response = console.post(
        "/admin/core/apiclient/",
        {"action": "rotate_tokens", "_selected_action": [client.pk]},
        follow=True,
    )
    [new] = TOKEN.findall(response.content.decode())
    assert new != old and AuthToken.objects.count() == 1
    anon.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert error(anon.get("/projects"), 401)
    anon.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert ok(anon.get("/projects")) == []


def test_revoking_leaves_the_client_without_a_working_token(console, anon):
    token = make_token("bot")
    client = ApiClient.objects.get()
    console.post(
        "/admin/core/apiclient/", {"action": "revoke_tokens", "_selected_action": [client.pk]}
    )
    anon.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert error(anon.get("/projects"), 401)
    assert ApiClient.objects.filter(pk=client.pk).exists()


def test_token_tables_are_not_in_the_console(console):
    assert console.get("/admin/knox/authtoken/").status_code == 404
    assert console.get("/admin/authtoken/tokenproxy/").status_code == 404
