"""A signature binds a callback to its method, path, timestamp and body: attacks that reuse a
signed request elsewhere, or again, are refused and change nothing."""

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from core.testing import error, ok
from inspirations import services as inspiration_services
from inspirations.models import Inspiration
from projects.models import Project
from tasks.models import Task
from webhooks.authentication import signature, signed_message
from webhooks.models import WebhookEvent
from webhooks.testing import signed_headers, written

SECRET = "s3cret-current"
# docs/n8n.md's example: secret s3cret, timestamp 1700000000, POST, inspiration/3, that body.
VECTOR = "sha256=42778a343495093c8c21429d007eff19d769faf679b0541fb5f6c2312792dc88"
FAILED = json.dumps({"status": "failed", "error": "forged failure"}).encode()


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.N8N_WEBHOOK_SECRETS = [SECRET]


@pytest.fixture
def another_generating_inspiration(db):
    inspiration = inspiration_services.inspiration_create(title="another idea")
    Inspiration.objects.filter(pk=inspiration.pk).update(status=Inspiration.Status.GENERATING)
    inspiration.refresh_from_db()
    return inspiration


def inspiration_path(inspiration_id) -> str:
    return f"/api/webhooks/n8n/inspiration/{inspiration_id}"


def send(path, body, headers, *, method="post"):
    return getattr(APIClient(), method)(path, body, content_type="application/json", **headers)


def state(inspiration) -> tuple:
    inspiration.refresh_from_db()
    return inspiration.status, inspiration.error_message


def test_the_signed_message_is_timestamp_method_path_and_body():
    message = signed_message("1700000000", "post", "/api/x/3?a=1", b'{"status":"success"}')
    assert message == b'1700000000\nPOST\n/api/x/3?a=1\n{"status":"success"}'


def test_the_test_vector_of_the_docs_holds(settings):
    sig = signature(
        "s3cret", "1700000000", "POST", "/api/webhooks/n8n/inspiration/3", b'{"status":"success"}'
    )
    assert sig == VECTOR
    assert VECTOR in (Path(settings.BASE_DIR) / "docs" / "n8n.md").read_text()


def test_a_signature_for_inspiration_a_is_401_on_inspiration_b(
    generating_inspiration, another_generating_inspiration
):
    a, b = generating_inspiration, another_generating_inspiration
    headers = signed_headers(SECRET, inspiration_path(a.id), FAILED)
    before = state(b)

    response = send(inspiration_path(b.id), FAILED, headers)

    assert error(response, 401) == "Invalid webhook signature."
    assert state(b) == before == ("generating", None)
    assert written() == (0, 0, 0)
    # The same headers where they were meant for: accepted, so only the target was wrong.
    assert ok(send(inspiration_path(a.id), FAILED, headers))["status"] == "failed"


@pytest.mark.parametrize("endpoint", ["project_execution", "project_creation", "task_update"])
def test_a_signature_for_an_inspiration_is_401_on_other_endpoints(
    demo_project, generating_inspiration, endpoint
):
    # The same numeric id on another endpoint: the endpoint is signed, not only the id.
    target = demo_project.id
    headers = signed_headers(SECRET, inspiration_path(target), FAILED)
    before = written()

    response = send(f"/api/webhooks/n8n/{endpoint}/{target}", FAILED, headers)

    assert error(response, 401) == "Invalid webhook signature."
    demo_project.refresh_from_db()
    assert demo_project.status == Project.Status.PENDING
    assert not Task.objects.filter(status=Task.Status.FAILED).exists()
    assert written() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_signature_for_post_is_401_with_another_method(generating_inspiration, method):
    path = inspiration_path(generating_inspiration.id)
    headers = signed_headers(SECRET, path, FAILED, method="POST")

    response = send(path, FAILED, headers, method=method)

    # Refused as unauthenticated before the 405: a signature names its method.
    assert error(response, 401) == "Invalid webhook signature."
    assert state(generating_inspiration) == ("generating", None)
    assert written() == (0, 0, 0)


@pytest.mark.parametrize(
    ("signed_suffix", "sent_suffix"), [("", "/"), ("/", ""), ("", "?x=1"), ("?x=1", "?x=2")]
)
def test_a_signature_for_one_path_is_401_on_another_spelling(
    generating_inspiration, signed_suffix, sent_suffix
):
    path = inspiration_path(generating_inspiration.id)
    headers = signed_headers(SECRET, path + signed_suffix, FAILED)

    response = send(path + sent_suffix, FAILED, headers)

    assert error(response, 401) == "Invalid webhook signature."
    assert state(generating_inspiration) == ("generating", None)
    assert written() == (0, 0, 0)


def test_the_query_string_is_signed_with_the_path(generating_inspiration):
    path = inspiration_path(generating_inspiration.id) + "/?source=n8n"
    response = send(path, FAILED, signed_headers(SECRET, path, FAILED))
    assert ok(response)["status"] == "failed"


def test_a_replayed_project_creation_without_execution_id_is_applied_once(
    demo_types, approved_inspiration
):
    path = f"/api/webhooks/n8n/project_creation/{approved_inspiration.id}"
    body = json.dumps(
        {
            "status": "success",
            "project": {"name": "once", "project_type": "video_generation"},
            "tasks": [{"task_type": "script_generation"}],
        }
    ).encode()
    headers = signed_headers(SECRET, path, body)

    first = send(path, body, headers)
    replay = send(path, body, headers)

    assert replay.status_code == first.status_code == 200
    assert replay.json() == first.json()
    assert Project.objects.count() == Task.objects.count() == 1
    event = WebhookEvent.objects.get()
    assert event.execution_id is None
    assert event.delivery_key == headers["HTTP_X_SHORTSGEN_SIGNATURE"]
    timestamp = int(headers["HTTP_X_SHORTSGEN_TIMESTAMP"])
    assert event.signed_at == datetime.fromtimestamp(timestamp, tz=UTC)


def test_a_replayed_inspiration_result_does_not_overwrite_a_later_edit(generating_inspiration):
    path = inspiration_path(generating_inspiration.id)
    body = json.dumps({"status": "success", "data": {"title": "generated"}}).encode()
    headers = signed_headers(SECRET, path, body)
    first = ok(send(path, body, headers))
    inspiration_services.inspiration_update(
        inspiration=generating_inspiration, title="edited by an operator"
    )

    assert ok(send(path, body, headers)) == first

    generating_inspiration.refresh_from_db()
    assert generating_inspiration.title == "edited by an operator"
    assert WebhookEvent.objects.count() == 1


def test_a_replay_with_an_upper_case_signature_is_the_same_delivery(generating_inspiration):
    path = inspiration_path(generating_inspiration.id)
    headers = signed_headers(SECRET, path, FAILED)
    first = ok(send(path, FAILED, headers))
    shouted = "sha256=" + headers["HTTP_X_SHORTSGEN_SIGNATURE"].removeprefix("sha256=").upper()

    replay = send(path, FAILED, {**headers, "HTTP_X_SHORTSGEN_SIGNATURE": shouted})

    assert ok(replay) == first
    assert WebhookEvent.objects.count() == 1


def test_a_request_signed_anew_is_a_new_delivery(generating_inspiration):
    path = inspiration_path(generating_inspiration.id)
    body = json.dumps({"status": "success", "data": {"title": "generated"}}).encode()
    now = int(time.time())
    ok(send(path, body, signed_headers(SECRET, path, body, timestamp=now - 1)))
    ok(send(path, body, signed_headers(SECRET, path, body, timestamp=now)))
    assert WebhookEvent.objects.count() == 2


def test_with_an_execution_id_a_signed_request_is_keyed_by_it(generating_inspiration):
    path = inspiration_path(generating_inspiration.id)
    now = int(time.time())
    body = {"status": "success", "data": {"title": "first"}, "executionId": "exec-1"}
    first_body = json.dumps(body).encode()
    first = ok(send(path, first_body, signed_headers(SECRET, path, first_body, timestamp=now - 1)))
    # n8n retrying the same execution signs again, at another second: still one delivery.
    again = json.dumps({**body, "data": {"title": "second"}}).encode()
    assert ok(send(path, again, signed_headers(SECRET, path, again, timestamp=now))) == first
    generating_inspiration.refresh_from_db()
    assert generating_inspiration.title == "first"
    assert WebhookEvent.objects.get().delivery_key == "exec-1"
