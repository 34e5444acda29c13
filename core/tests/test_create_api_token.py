from io import StringIO

from django.core.management import call_command
from rest_framework.authtoken.models import Token

from core.testing import ok


def run(*args) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_it_prints_a_working_token(anon):
    key = run("render-worker")
    anon.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert ok(anon.get("/projects")) == []


def test_it_prints_the_same_token_twice(db):
    assert run("n8n") == run("n8n")


def test_rotate_replaces_the_token(db):
    first = run("n8n")
    second = run("n8n", "--rotate")
    assert first != second
    assert list(Token.objects.values_list("key", flat=True)) == [second]


def test_the_client_cannot_sign_in_with_a_password(db):
    run("front-end")
    assert not Token.objects.get().user.has_usable_password()
