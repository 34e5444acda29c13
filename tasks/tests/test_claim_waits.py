"""Claims that wait for work (wait_seconds), over HTTP against a live server.

The claims run in the live server's threads; tasks are made ready by other clients, by the
services, or by time. On PostgreSQL the waiting claims are woken by the tasks table's
NOTIFY (tasks.ready_notifications); on SQLite they look again every second. `RESULT_TIMEOUT`
bounds how long a test waits for an answer that must come long before the claim's own
deadline: an answer that only came at the deadline fails the test instead of passing it late.
"""

import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import pytest
import requests
from django.db import connection
from django.utils import timezone

from accounts.services import account_create
from core.roles import Role
from core.testing import make_token
from projects.models import Project
from tasks import claim_waits
from tasks.models import Task
from tasks.services import TaskSpec, task_update, tasks_create
from tasks.testing import other_connections, worker_actor

pytestmark = pytest.mark.django_db(transaction=True)

# Long enough that nothing in these tests reaches it unless waking failed.
LONG_WAIT = 25
RESULT_TIMEOUT = 10
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"
)


@pytest.fixture
def project(transactional_db):
    return Project.objects.create(name="w", project_type="x")


@pytest.fixture
def claimant(live_server, transactional_db):
    """`claimant(name, task_types, **body)`: POST /api/tasks/claim as that worker (a token
    each, made on first use), answering (status, envelope, headers)."""
    tokens: dict[str, str] = {}

    def token(name: str) -> str:
        if name not in tokens:
            tokens[name] = make_token(name, Role.WORKER)
        return tokens[name]

    def claim(name: str, task_types: list[str], **body):
        response = requests.post(
            f"{live_server.url}/api/tasks/claim",
            json={"task_types": task_types, **body},
            headers={"Authorization": f"Token {token(name)}"},
            timeout=LONG_WAIT + 30,
        )
        return response.status_code, response.json(), response.headers

    claim.token = token
    return claim


@pytest.fixture
def waiting(claimant):
    """`waiting(name, task_types, **body)`: the same claim from a thread of its own (a
    future); the token is made here, so that those threads never touch the database."""
    with ThreadPoolExecutor(max_workers=16) as pool:

        def submit(name: str, task_types: list[str], **body):
            claimant.token(name)
            return pool.submit(claimant, name, task_types, **body)

        yield submit


def wait_until_waiting(count: int) -> None:
    """Until `count` claims of this process wait (each has looked once and found nothing)
    and, on PostgreSQL, the process listens."""
    waiters = claim_waits.process_waiters()
    for _ in range(200):
        if len(waiters) >= count and (waiters.listening or connection.vendor != "postgresql"):
            return
        time.sleep(0.05)
    raise AssertionError(f"{len(waiters)} claims waiting, expected {count}")


def make(project, n=1, task_type="render", **fields) -> list[Task]:
    return tasks_create([TaskSpec(project_id=project.id, task_type=task_type, **fields)] * n)


def answer(future) -> dict:
    """The envelope a waiting claim answered, long before its own deadline."""
    status, body, _ = future.result(timeout=RESULT_TIMEOUT)
    assert status == 200
    return body


def test_a_waiting_claim_gets_a_task_created_while_it_waits(waiting, project):
    claim = waiting("w1", ["render"], wait_seconds=LONG_WAIT)
    wait_until_waiting(1)
    [task] = make(project)
    body = answer(claim)
    assert (body["code"], body["data"]["id"], body["data"]["status"]) == (0, task.id, "processing")


def test_one_task_goes_to_exactly_one_of_many_waiting_claims(waiting, project):
    claims = [waiting(f"w{slot}", ["render"], wait_seconds=LONG_WAIT) for slot in range(8)]
    wait_until_waiting(8)
    [first] = make(project)
    done, _ = wait(claims, timeout=RESULT_TIMEOUT, return_when=FIRST_COMPLETED)
    assert [answer(claim)["data"]["id"] for claim in done] == [first.id]
    # The others go on waiting (none answered code 1 early); each gets one of the next tasks.
    rest = make(project, 7)
    answers = [answer(claim)["data"]["id"] for claim in claims]
    assert sorted(answers) == sorted([first.id] + [t.id for t in rest])


def test_a_batch_made_ready_at_once_wakes_claims_until_it_is_taken(waiting, project):
    """One notification for the whole batch (PostgreSQL sends a payload once per
    transaction): each claim that takes a full batch passes the wake on."""
    claims = [
        waiting(f"w{slot}", ["render"], wait_seconds=LONG_WAIT, max_tasks=2) for slot in range(5)
    ]
    wait_until_waiting(5)
    made = make(project, 10)
    claimed = [task["id"] for claim in claims for task in answer(claim)["data"]]
    assert sorted(claimed) == [t.id for t in made]


def test_a_claim_waits_for_its_own_types_and_platforms_only(waiting, project):
    renders = waiting("r", ["render"], wait_seconds=LONG_WAIT)
    on_kling = waiting("k", ["video"], wait_seconds=LONG_WAIT, platforms=["kling"], max_tasks=1)
    wait_until_waiting(2)
    account_create(platform="kling", name="kling-1")
    [script] = make(project, task_type="script")
    [video] = make(project, task_type="video", platform="kling")
    assert answer(on_kling)["data"][0]["id"] == video.id
    assert not renders.done()
    [render] = make(project)
    assert answer(renders)["data"]["id"] == render.id
    assert Task.objects.get(id=script.id).status == "pending"


def test_a_completed_dependency_wakes_a_claim_for_its_dependent(claimant, waiting, project):
    [script] = make(project, task_type="script")
    [video] = tasks_create(
        [TaskSpec(project_id=project.id, task_type="video", dependencies=[script.id])]
    )
    claim = waiting("v", ["video"], wait_seconds=LONG_WAIT)
    wait_until_waiting(1)
    _, held, _ = claimant("s", ["script"])
    assert held["data"]["id"] == script.id
    report_as("s", held["data"], status="completed", task_output={"ok": 1})
    assert answer(claim)["data"]["id"] == video.id


def test_a_retry_is_handed_to_a_waiting_claim_when_its_backoff_ends(
    claimant, waiting, project, settings
):
    settings.TASK_RETRY_BACKOFF_BASE_SECONDS = 1
    make(project, max_attempts=2)
    _, held, _ = claimant("first", ["render"])
    report_as("first", held["data"], status="failed", error_message="flaky")
    retry_at = Task.objects.get().available_at
    assert retry_at > timezone.now()
    again = answer(waiting("second", ["render"], wait_seconds=LONG_WAIT))
    assert again["data"]["attempts"] == 2
    assert Task.objects.get().started_at >= retry_at


def test_a_lease_that_runs_out_is_handed_to_a_waiting_claim(claimant, waiting, project):
    make(project, max_attempts=2)
    _, held, _ = claimant("crashes", ["render"], lease_seconds=1)
    expires = Task.objects.get().lease_expires_at
    taken = answer(waiting("next", ["render"], wait_seconds=LONG_WAIT))
    assert (taken["data"]["id"], taken["data"]["worker_id"]) == (held["data"]["id"], "next")
    assert Task.objects.get().started_at >= expires


def test_nothing_ready_until_the_deadline_answers_code_1(claimant, project):
    started = time.monotonic()
    status, body, headers = claimant("idle", ["render"], wait_seconds=1)
    assert (status, body["code"], body["data"]) == (200, 1, None)
    assert body["msg"] == "No pending tasks available for the given types."
    assert time.monotonic() - started >= 1
    assert "Retry-After" not in headers


def test_the_deployment_limit_shortens_the_wait(claimant, project, settings):
    settings.SHORTSGEN_CLAIM_WAIT_LIMIT_SECONDS = 0
    status, body, headers = claimant("idle", ["render"], wait_seconds=LONG_WAIT)
    assert (status, body["code"]) == (200, 1)
    assert "Retry-After" not in headers


def test_past_the_process_limit_a_claim_answers_at_once_with_retry_after(
    claimant, waiting, project, settings
):
    settings.SHORTSGEN_CLAIM_WAITERS_PER_PROCESS = 1
    claim_waits.stop_listening()  # the limit is read when the process's waiters are set up
    first = waiting("first", ["render"], wait_seconds=LONG_WAIT)
    wait_until_waiting(1)
    status, body, headers = claimant("second", ["render"], wait_seconds=LONG_WAIT)
    assert (status, body["code"], headers["Retry-After"]) == (200, 1, "2")
    assert not first.done()
    [task] = make(project)
    assert answer(first)["data"]["id"] == task.id


def test_a_stopping_server_answers_its_waiting_claims_at_once(waiting, project):
    claim = waiting("w", ["render"], wait_seconds=LONG_WAIT)
    wait_until_waiting(1)
    claim_waits.stop_waiting_when(lambda: True)
    try:
        body = answer(claim)
    finally:
        claim_waits.stop_waiting_when(bool)
    assert (body["code"], body["data"]) == (1, None)


@pytest.mark.parametrize("wait_seconds", [-1, 31, "soon", None, 2.5])
def test_a_wait_outside_0_to_30_seconds_is_refused(claimant, project, wait_seconds):
    make(project)
    status, body, _ = claimant("w", ["render"], wait_seconds=wait_seconds)
    assert status == 400
    assert body["msg"].startswith("wait_seconds")
    assert Task.objects.get().status == "pending"


@on_postgresql
def test_idle_waiting_claims_send_no_query_and_hold_no_connection(waiting, project):
    """Seen where PostgreSQL sees it: the other connections to the test database, and when
    each last started a statement (pg_stat_activity)."""
    claims = [waiting(f"w{slot}", ["render"], wait_seconds=LONG_WAIT) for slot in range(10)]
    wait_until_waiting(10)
    time.sleep(0.2)  # the last claim closes its connection just after it enters the queue
    before = other_connections()
    time.sleep(2)
    after = other_connections()
    assert before == after, "a connection ran a statement while every claim waited"
    assert [application for _, application, _ in after] == ["shortsgen-listener"]
    make(project, 10)
    assert all(answer(claim)["code"] == 0 for claim in claims)


@on_postgresql
def test_a_listener_that_lost_its_connection_reconnects_and_misses_nothing(waiting, project):
    claim = waiting("w", ["render"], wait_seconds=LONG_WAIT)
    wait_until_waiting(1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'shortsgen-listener' AND datname = current_database()"
        )
    [task] = make(project)  # perhaps while nobody listens: the reconnection looks again
    assert answer(claim)["data"]["id"] == task.id
    later = waiting("w", ["render"], wait_seconds=LONG_WAIT)
    wait_until_waiting(1)
    [again] = make(project)
    assert answer(later)["data"]["id"] == again.id


def report_as(worker: str, claimed: dict, **body) -> None:
    task_update(
        task_id=claimed["id"],
        actor=worker_actor(worker),
        lease_token=claimed["lease_token"],
        **body,
    )
