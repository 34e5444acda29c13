from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from knox.crypto import hash_token
from knox.models import AuthToken

from core.models import ApiClient
from core.testing import error, ok


def run(*args) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_it_prints_a_working_token_of_the_role(anon):
    key = run("render-worker", "--role", "worker")
    assert ApiClient.objects.get(user__username="render-worker").role == "worker"
    anon.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert ok(anon.get("/api/tasks/types")) == []
    assert error(anon.get("/projects"), 403)


def test_a_new_client_is_a_client_by_default(anon):
    key = run("front-end")
    anon.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert ok(anon.get("/projects")) == []


def test_the_token_is_stored_as_a_digest_only(db):
    key = run("n8n", "--role", "n8n")
    stored = AuthToken.objects.get()
    assert stored.digest == hash_token(key)
    assert key not in {stored.digest, stored.token_key}
    assert key.startswith("sg_")


def test_an_existing_client_is_not_shown_its_token_again(db):
    run("n8n", "--role", "n8n")
    with pytest.raises(CommandError, match="stored hashed"):
        run("n8n")


def test_rotate_revokes_the_old_tokens(anon):
    first = run("n8n", "--role", "n8n")
    second = run("n8n", "--rotate")
    assert first != second
    assert AuthToken.objects.count() == 1
    anon.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert error(anon.get("/api/tasks/types"), 401) == "Invalid token."


def test_role_changes_an_existing_client(db):
    run("bot")
    run("bot", "--role", "worker")
    assert ApiClient.objects.get(user__username="bot").role == "worker"


def test_a_role_that_is_not_an_api_role_is_refused(db):
    with pytest.raises(CommandError):
        run("someone", "--role", "operator")
    assert not ApiClient.objects.exists()


def test_the_client_cannot_sign_in_with_a_password(db):
    run("front-end")
    assert not ApiClient.objects.get().user.has_usable_password()


def test_a_person_name_is_not_turned_into_a_client(db, django_user_model):
    django_user_model.objects.create_user(username="alice", password="pw-long-enough-1")
    with pytest.raises(CommandError, match="taken"):
        run("alice")
