import json
import time

import pytest
from rest_framework.test import APIClient

from core.roles import Role
from core.testing import error, ok, token_client
from webhooks.authentication import signature
from webhooks.testing import signed_headers, written

SECRET = "s3cret-current"
OLD_SECRET = "s3cret-previous"


def body_for(approved_inspiration) -> bytes:
    payload = {
        "status": "success",
        "project": {"name": "signed", "project_type": "video_generation"},
        "tasks": [{"task_type": "script_generation"}],
        "executionId": "signed-1",
    }
    return json.dumps(payload).encode()


def path_for(inspiration) -> str:
    return f"/api/webhooks/n8n/project_creation/{inspiration.id}"


def post_signed(inspiration, body, *, secret=SECRET, timestamp=None, sig=None):
    headers = signed_headers(secret, path_for(inspiration), body, timestamp=timestamp)
    if sig is not None:
        headers["HTTP_X_SHORTSGEN_SIGNATURE"] = sig
    return APIClient().post(path_for(inspiration), body, content_type="application/json", **headers)


@pytest.fixture
def secrets(settings):
    settings.N8N_WEBHOOK_SECRETS = [SECRET, OLD_SECRET]


def test_a_valid_signature_is_accepted(secrets, demo_types, approved_inspiration):
    response = post_signed(approved_inspiration, body_for(approved_inspiration))
    assert ok(response)["tasks_created"] == 1


def test_the_previous_secret_still_works_during_rotation(secrets, demo_types, approved_inspiration):
    body = body_for(approved_inspiration)
    assert ok(post_signed(approved_inspiration, body, secret=OLD_SECRET))["tasks_created"] == 1


def test_the_token_still_works_when_signatures_are_enabled(
    secrets, demo_types, approved_inspiration
):
    response = token_client("test-n8n", Role.N8N).post(
        f"/api/webhooks/n8n/project_creation/{approved_inspiration.id}",
        body_for(approved_inspiration),
        content_type="application/json",
    )
    assert ok(response)["tasks_created"] == 1


def test_a_wrong_signature_is_401_and_writes_nothing(secrets, demo_types, approved_inspiration):
    body = body_for(approved_inspiration)
    response = post_signed(approved_inspiration, body, secret="guessed")
    assert error(response, 401) == "Invalid webhook signature."
    assert written() == (0, 0, 0)


def test_a_signature_of_another_body_is_401(secrets, demo_types, approved_inspiration):
    body = body_for(approved_inspiration)
    timestamp = str(int(time.time()))
    sig = signature(
        SECRET, timestamp, "POST", path_for(approved_inspiration), body.replace(b"signed", b"x")
    )
    response = post_signed(approved_inspiration, body, timestamp=timestamp, sig=sig)
    assert error(response, 401) == "Invalid webhook signature."
    assert written() == (0, 0, 0)


def test_a_stale_timestamp_is_401_and_writes_nothing(secrets, demo_types, approved_inspiration):
    body = body_for(approved_inspiration)
    response = post_signed(approved_inspiration, body, timestamp=int(time.time()) - 301)
    assert error(response, 401) == "Stale X-ShortsGen-Timestamp."
    assert written() == (0, 0, 0)


def test_a_future_timestamp_is_401(secrets, demo_types, approved_inspiration):
    body = body_for(approved_inspiration)
    response = post_signed(approved_inspiration, body, timestamp=int(time.time()) + 301)
    assert error(response, 401) == "Stale X-ShortsGen-Timestamp."


def test_a_missing_timestamp_is_401(secrets, demo_types, approved_inspiration):
    body = body_for(approved_inspiration)
    response = APIClient().post(
        f"/api/webhooks/n8n/project_creation/{approved_inspiration.id}",
        body,
        content_type="application/json",
        HTTP_X_SHORTSGEN_SIGNATURE=signature(
            SECRET, "", "POST", path_for(approved_inspiration), body
        ),
    )
    assert error(response, 401) == "Missing or invalid X-ShortsGen-Timestamp."
    assert written() == (0, 0, 0)


def test_signatures_are_refused_when_no_secret_is_set(settings, demo_types, approved_inspiration):
    settings.N8N_WEBHOOK_SECRETS = []
    response = post_signed(approved_inspiration, body_for(approved_inspiration))
    assert error(response, 401) == "Signed webhooks are not enabled."
    assert written() == (0, 0, 0)


def test_a_missing_token_is_401_and_writes_nothing(anon, demo_types, approved_inspiration):
    response = anon.post(
        f"/api/webhooks/n8n/project_creation/{approved_inspiration.id}",
        body_for(approved_inspiration),
        content_type="application/json",
    )
    assert error(response, 401)
    assert written() == (0, 0, 0)


@pytest.mark.parametrize(
    "path", ["inspiration/1", "project_creation/1", "project_execution/1", "task_update/1"]
)
def test_a_wrong_token_is_401_on_every_endpoint(db, path):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token wrong")
    response = client.post(f"/api/webhooks/n8n/{path}", {"status": "success"}, format="json")
    assert error(response, 401) == "Invalid token."
    assert written() == (0, 0, 0)


@pytest.mark.parametrize(
    "timestamp",
    [
        "9" * 401,  # int() takes it, then the window arithmetic overflowed into a 500
        "1" * 13,
        f"+{int(time.time())}",
        f" {int(time.time())}",
        f"{int(time.time())}.5",
        "\u0661\u0667" + "\u0660" * 8,  # Arabic-Indic digits, which int() also takes
        "",
    ],
)
def test_a_malformed_timestamp_is_401_never_500(
    secrets, demo_types, approved_inspiration, timestamp
):
    body = body_for(approved_inspiration)
    headers = signed_headers(SECRET, path_for(approved_inspiration), body)
    headers["HTTP_X_SHORTSGEN_TIMESTAMP"] = timestamp
    response = APIClient().post(
        path_for(approved_inspiration), body, content_type="application/json", **headers
    )
    assert error(response, 401) == "Missing or invalid X-ShortsGen-Timestamp."
    assert written() == (0, 0, 0)


@pytest.mark.parametrize(
    "sig",
    [
        "sha256=" + "é" * 64,  # compare_digest raised TypeError on non-ASCII: a 500
        "sha256=" + "0" * 63 + "é",
        "sha256=" + "0" * 63,
        "sha256=" + "0" * 65,
        "sha256=" + "g" * 64,
        "0" * 64,
        "sha1=" + "0" * 40,
        "",
    ],
)
def test_a_malformed_signature_is_401_never_500(secrets, demo_types, approved_inspiration, sig):
    response = post_signed(approved_inspiration, body_for(approved_inspiration), sig=sig)
    message = error(response, 401)
    assert message == "Invalid X-ShortsGen-Signature: expected sha256=<64 hex digits>."
    assert written() == (0, 0, 0)


def test_an_upper_case_signature_is_the_same_signature(secrets, demo_types, approved_inspiration):
    body = body_for(approved_inspiration)
    headers = signed_headers(SECRET, path_for(approved_inspiration), body)
    sig = headers["HTTP_X_SHORTSGEN_SIGNATURE"]
    response = post_signed(
        approved_inspiration,
        body,
        timestamp=headers["HTTP_X_SHORTSGEN_TIMESTAMP"],
        sig="sha256=" + sig.removeprefix("sha256=").upper(),
    )
    assert ok(response)["tasks_created"] == 1
