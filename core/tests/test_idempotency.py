"""Idempotency-Key on the POSTs that create (docs/api.md): replays, refusals, expiry, races."""

import hashlib
import threading
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Model
from rest_framework.test import APIClient

from accounts.models import PlatformAccount
from assets.models import Asset
from core.idempotency import canonical_json
from core.models import IdempotencyRecord
from core.testing import error, ok, token_client
from inspirations.models import Inspiration
from projects.models import Project, ProjectType
from tasks.models import Task
from workerconfigs.models import WorkerConfig

KEY = "7f1c3a9e-order-42"
MALFORMED = "Idempotency-Key header must be 1 to 255 printable ASCII characters."
PROJECT = {"name": "launch video", "project_type": "custom"}


@dataclass(frozen=True)
class Create:
    """One POST that creates: who may call it, where, with what, and which rows it adds."""

    client: str
    path: str
    body: object  # a function of the `project` fixture, for bodies that name it
    model: type[Model]

    def __str__(self):
        return self.path


CREATES = [
    Create("api", "/projects", lambda _: PROJECT, Project),
    Create("api", "/api/projects/", lambda _: PROJECT, Project),
    Create("api", "/api/project-types", lambda _: {"code": "explainer", "name": "E"}, ProjectType),
    Create("api", "/api/tasks", lambda project: {"project_id": project.id, "task_type": "t"}, Task),
    Create(
        "api",
        "/api/tasks/batch",
        lambda project: {
            "tasks": [
                {"project_id": project.id, "task_type": "video", "key": "video"},
                {"project_id": project.id, "task_type": "compose", "dependencies": ["video"]},
            ]
        },
        Task,
    ),
    Create("n8n_api", "/api/inspirations", lambda _: {"title": "idea"}, Inspiration),
    Create("worker_api", "/api/assets", lambda _: {"name": "a", "asset_type": "video"}, Asset),
    Create(
        "api",
        "/api/platform-accounts",
        lambda _: {"platform": "runway", "name": "r1", "credentials": {"api_key": "sk-1"}},
        PlatformAccount,
    ),
    Create(
        "api",
        "/api/worker-configs",
        lambda _: {"config_name": "c", "config_type": "execution", "worker_type": "w"},
        WorkerConfig,
    ),
]


@pytest.fixture
def project(db):
    return Project.objects.create(name="p", project_type="custom")


def post(client, path, body, key=KEY):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(path, body, format="json", **headers)


def count(model) -> int:
    return model._base_manager.count()  # soft-deleted rows too


# --- every creating endpoint ----------------------------------------------------------------


@pytest.mark.parametrize("create", CREATES, ids=str)
def test_a_retry_with_the_same_key_replays_the_first_answer_and_creates_nothing(
    request, project, create
):
    client, body = request.getfixturevalue(create.client), create.body(project)
    before = count(create.model)
    first = post(client, create.path, body)
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    created = count(create.model)
    assert created > before

    again = post(client, create.path, body)

    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == first["Content-Type"]
    assert count(create.model) == created
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.parametrize("create", CREATES, ids=str)
def test_the_same_key_with_another_body_is_refused_and_creates_nothing(request, project, create):
    client, body = request.getfixturevalue(create.client), create.body(project)
    ok(post(client, create.path, body), 201)
    created = count(create.model)

    message = error(post(client, create.path, {**body, "note": "another request"}), 422)

    assert message == (
        f'Idempotency-Key "{KEY}" was used with a different request body; '
        "send a new key for a new request."
    )
    assert count(create.model) == created


@pytest.mark.parametrize("create", CREATES, ids=str)
def test_a_refused_request_leaves_the_key_free_for_the_corrected_retry(request, project, create):
    client = request.getfixturevalue(create.client)
    before = count(create.model)
    error(post(client, create.path, {}), 400)
    assert IdempotencyRecord.objects.count() == 0

    ok(post(client, create.path, create.body(project)), 201)

    assert count(create.model) > before
    assert IdempotencyRecord.objects.count() == 1


# --- the key's scope and lifetime ---------------------------------------------------------


def test_without_the_header_every_post_creates(api):
    ok(post(api, "/api/projects", PROJECT, key=None), 201)
    ok(post(api, "/api/projects", PROJECT, key=None), 201)
    assert Project.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 0


def test_the_replay_is_the_first_answer_even_after_the_row_changed(api):
    first = post(api, "/api/projects", PROJECT)
    ok(api.delete(f"/api/projects/{first.json()['data']['id']}"))

    again = post(api, "/api/projects", PROJECT)

    assert again.content == first.content
    assert Project.all_objects.count() == 1


def test_the_same_key_from_another_client_is_another_key(api):
    ok(post(api, "/api/projects", PROJECT), 201)
    other = post(token_client("other-client"), "/api/projects", PROJECT)
    assert ok(other, 201)
    assert "Idempotent-Replayed" not in other
    assert Project.objects.count() == 2


def test_the_same_key_on_another_endpoint_is_another_key(api):
    ok(post(api, "/api/projects", PROJECT), 201)
    ok(post(api, "/api/inspirations", {"title": "idea"}), 201)
    assert Project.objects.count() == Inspiration.objects.count() == 1


def test_both_paths_of_the_projects_api_are_one_endpoint(api):
    first = post(api, "/projects", PROJECT)
    again = post(api, "/api/projects/", PROJECT)
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert Project.objects.count() == 1


def test_a_body_with_its_keys_in_another_order_is_the_same_body(api):
    ok(post(api, "/api/projects", {"name": "x", "project_type": "custom"}), 201)
    again = post(api, "/api/projects", {"project_type": "custom", "name": "x"})
    assert again["Idempotent-Replayed"] == "true"


def test_a_key_past_its_window_is_free_again(api):
    ok(post(api, "/api/projects", PROJECT), 201)
    IdempotencyRecord.objects.update(
        created_at=IdempotencyRecord.objects.get().created_at - timedelta(hours=24, seconds=1)
    )

    again = post(api, "/api/projects", {**PROJECT, "name": "another"})

    assert ok(again, 201)["name"] == "another"
    assert Project.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1


def test_the_window_is_a_setting(api, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 1
    ok(post(api, "/api/projects", PROJECT), 201)
    record = IdempotencyRecord.objects.get()
    IdempotencyRecord.objects.update(created_at=record.created_at - timedelta(minutes=59))
    assert post(api, "/api/projects", PROJECT)["Idempotent-Replayed"] == "true"

    IdempotencyRecord.objects.update(created_at=record.created_at - timedelta(minutes=61))
    assert "Idempotent-Replayed" not in post(api, "/api/projects", PROJECT)
    assert Project.objects.count() == 2


@pytest.mark.parametrize("key", ["", "k" * 256, "clé", "tab\there", "del\x7fchar"])
def test_a_malformed_key_is_refused_and_nothing_is_created(api, key):
    assert error(post(api, "/api/projects", PROJECT, key=key), 400) == MALFORMED
    assert Project.objects.count() == 0


@pytest.mark.parametrize("key", ["k", "~" * 255, "with spaces and !\"#$%&'()*+,-./:;<=>?@[]"])
def test_keys_of_1_to_255_printable_ascii_characters_are_accepted(api, key):
    ok(post(api, "/api/projects", PROJECT, key=key), 201)
    assert IdempotencyRecord.objects.get().key == key


def test_the_header_is_checked_after_the_token(anon):
    assert error(post(anon, "/api/projects", PROJECT, key=""), 401)


def test_the_record_keeps_no_secret_of_the_request(api):
    body = {"platform": "runway", "name": "r1", "credentials": {"api_key": "sk-live-123"}}
    ok(post(api, "/api/platform-accounts", body), 201)
    record = IdempotencyRecord.objects.get()
    assert "sk-live-123" not in record.response_body  # credentials are masked in answers
    # A keyed hash: a database dump cannot test guesses of the credentials against it.
    assert record.request_hash != hashlib.sha256(canonical_json(body).encode()).hexdigest()


def test_a_retry_across_a_secret_key_rotation_still_replays(api, settings):
    ok(post(api, "/api/projects", PROJECT), 201)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40

    assert post(api, "/api/projects", PROJECT)["Idempotent-Replayed"] == "true"
    assert error(post(api, "/api/projects", {**PROJECT, "name": "other"}), 422)


def test_a_replay_keeps_the_status_of_the_first_answer(worker_api):
    body = {"name": "a", "asset_type": "image", "file_hash": "ab" * 32}
    ok(post(worker_api, "/api/assets", body, key=None), 201)
    first = post(worker_api, "/api/assets", body)  # the hash is known: 200, nothing created
    again = post(worker_api, "/api/assets", body)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == first.content
    assert Asset.objects.count() == 1


def test_the_purge_command_deletes_only_records_past_the_window(api):
    ok(post(api, "/api/projects", PROJECT, key="old"), 201)
    ok(post(api, "/api/projects", PROJECT, key="recent"), 201)
    old = IdempotencyRecord.objects.get(key="old")
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=old.created_at - timedelta(hours=25)
    )
    out = StringIO()

    call_command("purge_idempotency_keys", stdout=out)

    assert out.getvalue() == "Deleted 1 idempotency record(s) older than 24 h.\n"
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


def test_operators_see_the_records_in_the_console_and_may_free_a_key(api, admin_client):
    ok(post(api, "/api/projects", PROJECT), 201)
    record = IdempotencyRecord.objects.get()
    page = admin_client.get("/admin/core/idempotencyrecord/")
    assert page.status_code == 200
    assert KEY in page.content.decode()
    admin_client.post(f"/admin/core/idempotencyrecord/{record.pk}/delete/", {"post": "yes"})

    assert "Idempotent-Replayed" not in post(api, "/api/projects", PROJECT)
    assert Project.objects.count() == 2


def test_the_schema_documents_the_header_and_the_422_on_every_post_that_creates(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    documented = set()
    for path, item in schema["paths"].items():
        operation = item.get("post")
        if operation is None:
            continue
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        if "Idempotency-Key" in headers:
            documented.add(path.rstrip("/"))  # the schema lists both forms of each route
            assert "422" in operation["responses"], path
        # Every POST answering 201 creates, and takes a key; no other POST does.
        assert ("Idempotency-Key" in headers) == ("201" in operation["responses"]), path
    assert documented == {
        "/projects",
        "/api/projects",
        "/api/project-types",
        "/api/tasks",
        "/api/tasks/batch",
        "/api/inspirations",
        "/api/assets",
        "/api/platform-accounts",
        "/api/worker-configs",
    }


# --- concurrency (real threads, PostgreSQL) -------------------------------------------------

THREADS = 8
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writing transaction at a time (IMMEDIATE): the requests cannot "
    "overlap, so there is no race to see; this one needs PostgreSQL",
)


def post_at_once(bodies: list[dict]) -> list:
    """POST the bodies to /api/projects with one key, one thread each, released together."""
    token = token_client("racer")._credentials["HTTP_AUTHORIZATION"]
    barrier = threading.Barrier(len(bodies))
    answers, errors = [None] * len(bodies), []

    def send(slot: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=token)
        try:
            barrier.wait()
            answers[slot] = post(client, "/api/projects", bodies[slot])
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(slot,)) for slot in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return answers


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_once_and_answer_alike():
    answers = post_at_once([PROJECT] * THREADS)

    assert [answer.status_code for answer in answers] == [201] * THREADS
    assert len({answer.content for answer in answers}) == 1
    assert sum("Idempotent-Replayed" in answer for answer in answers) == THREADS - 1
    assert Project.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_and_other_bodies_create_once():
    answers = post_at_once([{**PROJECT, "name": f"project {n}"} for n in range(THREADS)])

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [422] * (THREADS - 1)
    assert Project.objects.count() == 1
