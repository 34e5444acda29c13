"""Waiting claims as production serves them: gunicorn with the project's configuration
(gthread workers), two worker processes, each with its own listener.

PostgreSQL only (the processes share the test database; SQLite has no NOTIFY)."""

import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from core.roles import Role
from core.testing import make_token
from core.testing_environment import database_url, production_env, server_params
from projects.models import Project
from tasks.models import Task
from tasks.ready_notifications import LISTENER_NAME
from tasks.services import TaskSpec, tasks_create
from tasks.testing import other_connections
from tools.processes import GunicornServer, free_port

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

PROCESSES = 2
THREADS = 4
WAITERS_PER_PROCESS = 2
LONG_WAIT = 25
RESULT_TIMEOUT = 10


def direct_url() -> str:
    """The test database (its name is known once the tests' database is set up)."""
    return database_url(server_params(connection.settings_dict["NAME"]))


def serve(tmp_path, **env: str) -> GunicornServer:
    return GunicornServer(
        env=production_env(
            **{
                "DATABASE_URL": direct_url(),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "GUNICORN_THREADS": str(THREADS),
                "SHORTSGEN_CLAIM_WAITERS_PER_PROCESS": str(WAITERS_PER_PROCESS),
                "SHORTSGEN_THROTTLE_WORKER": "none",
                "SHORTSGEN_THROTTLE_CLIENT": "none",
                **env,
            }
        ),
        port=free_port(),
        workers=PROCESSES,
        log_path=tmp_path / "gunicorn.log",
        # The project's configuration (a later --config wins over the helper's defaults).
        options=("--config", "shortsgen/gunicorn.conf.py", "--no-control-socket"),
    )


@pytest.fixture
def server(tmp_path):
    with serve(tmp_path) as running:
        yield running


@pytest.fixture
def project(transactional_db):
    return Project.objects.create(name="g", project_type="x")


@pytest.fixture
def workers(server):
    """`n` worker clients, each claiming with a token of its own from a thread of its own."""
    tokens = [make_token(f"worker-{slot}", Role.WORKER) for slot in range(8)]
    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:

        def claim(slot: int, **body):
            return pool.submit(
                requests.post,
                f"{server.url}/api/tasks/claim",
                json={"task_types": ["render"], **body},
                headers={"Authorization": f"Token {tokens[slot]}"},
                timeout=LONG_WAIT + 30,
            )

        yield claim


def other_backends() -> tuple[int, set[int]]:
    """The listeners connected to the test database, and the pids of its other connections."""
    rows = other_connections()
    listeners = sum(application == LISTENER_NAME for _, application, _ in rows)
    return listeners, {pid for pid, application, _ in rows if application != LISTENER_NAME}


def until_waiting(claims, before: set[int]) -> None:
    """Until the claims, sent after `before` was read, wait: a process listens, and no
    connection is open but those that were (a waiting claim closes its own; the threads
    that served the readiness probe keep theirs)."""
    for _ in range(200):
        listeners, others = other_backends()
        if listeners and others <= before and not any(claim.done() for claim in claims):
            time.sleep(0.5)  # the last claims to arrive have looked and closed their own
            return
        time.sleep(0.05)
    raise AssertionError(f"{listeners} listeners, connections {others} (before: {before})")


def test_a_task_goes_to_one_claim_of_those_waiting_in_either_process(server, workers, project):
    before = other_backends()[1]
    claims = [workers(slot, wait_seconds=LONG_WAIT) for slot in range(WAITERS_PER_PROCESS)]
    until_waiting(claims, before)
    [task] = tasks_create([TaskSpec(project_id=project.id, task_type="render")])
    deadline = time.monotonic() + RESULT_TIMEOUT
    while not any(claim.done() for claim in claims) and time.monotonic() < deadline:
        time.sleep(0.01)
    answered = [claim.result().json() for claim in claims if claim.done()]
    assert [body["data"]["id"] for body in answered] == [task.id]
    more = tasks_create([TaskSpec(project_id=project.id, task_type="render")] * (len(claims) - 1))
    ids = sorted(claim.result(timeout=RESULT_TIMEOUT).json()["data"]["id"] for claim in claims)
    assert ids == sorted([task.id, *(t.id for t in more)])


def test_waiting_claims_leave_threads_for_every_other_request(server, workers, project):
    """More claims than the processes let wait: those past the limit answer at once with
    Retry-After, and every process still answers other requests while the rest wait."""
    claims = [workers(slot, wait_seconds=LONG_WAIT) for slot in range(PROCESSES * THREADS)]
    may_wait = PROCESSES * WAITERS_PER_PROCESS
    deadline = time.monotonic() + RESULT_TIMEOUT
    while sum(claim.done() for claim in claims) < len(claims) - may_wait:
        assert time.monotonic() < deadline, "the claims past the limit did not answer at once"
        time.sleep(0.01)
    time.sleep(0.5)  # any other claim past the limit answers meanwhile
    client = {"Authorization": f"Token {make_token('client', Role.CLIENT)}"}
    for _ in range(2 * PROCESSES):
        assert requests.get(f"{server.url}/api/tasks/stats", headers=client, timeout=5).ok
    turned_away = [claim.result() for claim in claims if claim.done()]
    still_waiting = [claim for claim in claims if not claim.done()]
    # Which process accepts which connection is the kernel's choice: at most `may_wait` wait.
    assert 0 < len(still_waiting) <= may_wait
    assert all(response.json()["code"] == 1 for response in turned_away)
    assert all(response.headers["Retry-After"] == "2" for response in turned_away)
    tasks_create([TaskSpec(project_id=project.id, task_type="render")] * len(still_waiting))
    waited = [claim.result(timeout=RESULT_TIMEOUT) for claim in still_waiting]
    assert [response.json()["code"] for response in waited] == [0] * len(still_waiting)


def test_a_graceful_stop_answers_the_waiting_claims_at_once(server, workers, project):
    before = other_backends()[1]
    claims = [workers(slot, wait_seconds=LONG_WAIT) for slot in range(2)]
    until_waiting(claims, before)
    server.process.send_signal(signal.SIGTERM)
    for claim in claims:
        body = claim.result(timeout=RESULT_TIMEOUT).json()
        assert (body["code"], body["data"]) == (1, None)
    server.process.wait(timeout=RESULT_TIMEOUT)
    assert Task.objects.count() == 0


def test_behind_pgbouncer_the_listener_connects_directly(tmp_path, pgbouncer, project):
    """Everything else through PgBouncer in transaction mode (nothing prepared), the
    listening connection to PostgreSQL itself (DATABASE_DIRECT_URL): a task created while a
    claim waits wakes it."""
    bouncer = pgbouncer(pool_size=4)
    pooled = serve(
        tmp_path,
        DATABASE_URL=bouncer.url,
        DATABASE_PREPARED_STATEMENTS="false",
        DATABASE_DIRECT_URL=direct_url(),
    )
    token = make_token("pooled-worker", Role.WORKER)
    with pooled, ThreadPoolExecutor(max_workers=1) as pool:
        claim = pool.submit(
            requests.post,
            f"{pooled.url}/api/tasks/claim",
            json={"task_types": ["render"], "wait_seconds": LONG_WAIT},
            headers={"Authorization": f"Token {token}"},
            timeout=LONG_WAIT + 30,
        )
        until_listening()
        [task] = tasks_create([TaskSpec(project_id=project.id, task_type="render")])
        assert claim.result(timeout=RESULT_TIMEOUT).json()["data"]["id"] == task.id


def until_listening() -> None:
    """Until a listener is connected (a claim waits), and then a moment for it to look."""
    for _ in range(200):
        if other_backends()[0]:
            time.sleep(0.5)
            return
        time.sleep(0.05)
    raise AssertionError("no listener connected")
