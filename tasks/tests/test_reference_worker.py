"""The reference worker (worker/) against a live server: claim, heartbeat, handle, report."""

import threading
import time

import pytest

from accounts.services import account_create
from core.roles import Role
from core.testing import make_token
from projects.models import Project
from tasks.models import Task
from tasks.services import TaskSpec, task_delete, tasks_create
from worker import ShortsGenClient, Worker, WorkerError
from worker.__main__ import main


@pytest.fixture
def client(live_server, transactional_db):
    client = ShortsGenClient(live_server.url, make_token("worker", Role.WORKER))
    yield client
    # Its kept-alive socket holds a server thread, and that thread a database connection.
    client.session.close()


@pytest.fixture
def project(transactional_db):
    return Project.objects.create(name="w", project_type="x")


def make(project, n, task_type="render", **fields):
    return tasks_create([TaskSpec(project_id=project.id, task_type=task_type, **fields)] * n)


def test_it_completes_a_dag_in_order_passing_outputs(client, project):
    [script] = make(project, 1, task_type="script")
    tasks_create([TaskSpec(project_id=project.id, task_type="video", dependencies=[script.id])])
    seen = []

    def handler(task):
        seen.append(task)
        return {"step": task["task_type"]}

    done = Worker(client, ["script", "video"], handler).run(stop_when_idle=True)
    assert done == 2
    assert [t["task_type"] for t in seen] == ["script", "video"]
    assert seen[1]["dependency_outputs"] == {str(script.id): {"step": "script"}}
    assert set(Task.objects.values_list("status", flat=True)) == {"completed"}
    project.refresh_from_db()
    assert project.status == "completed"


def test_batches_are_reported_in_one_batch_update(client, project):
    make(project, 7)
    worker = Worker(client, ["render"], lambda task: {"ok": True}, max_tasks=3)
    assert worker.run(stop_when_idle=True) == 7
    assert Task.objects.filter(status="completed", task_output={"ok": True}).count() == 7


def test_a_failing_handler_reports_failed_and_the_task_is_retried(client, project, settings):
    settings.TASK_RETRY_BACKOFF_BASE_SECONDS = 0
    make(project, 1, max_attempts=2)
    calls = []

    def flaky(task):
        calls.append(task["attempts"])
        if task["attempts"] == 1:
            raise RuntimeError("first time fails")
        return {"ok": True}

    Worker(client, ["render"], flaky).run(stop_when_idle=True)
    assert calls == [1, 2]
    assert Task.objects.get().status == "completed"


def test_heartbeats_keep_a_long_task_leased(client, project):
    [task] = make(project, 1, max_attempts=2)
    other = ShortsGenClient(client.base_url, make_token("thief", Role.WORKER))
    stolen = []

    def slow(claimed):
        # The lease is 2 s; the handler runs 3.5 s while heartbeats renew it.
        for _ in range(7):
            threading.Event().wait(0.5)
            stolen.extend(other.claim(["render"], worker_id="thief"))
        return {"ok": True}

    Worker(client, ["render"], slow, lease_seconds=2).run(stop_when_idle=True)
    assert stolen == []
    assert Task.objects.get(id=task.id).status == "completed"


def test_credentials_reach_the_handler(client, project):
    account_create(platform="runway", name="r", credentials={"api_key": "sk-1"})
    make(project, 1, platform="runway")
    got = []
    Worker(client, ["render"], lambda t: got.append(t["credentials"])).run(stop_when_idle=True)
    assert got == [{"api_key": "sk-1"}]


def test_a_report_with_a_stale_lease_is_refused(client, project):
    make(project, 1)
    [task] = client.claim(["render"], worker_id="a")
    with pytest.raises(WorkerError) as refused:
        client.report({**task, "lease_token": "0" * 32}, status="completed")
    assert refused.value.code == 400
    assert refused.value.msg.startswith("lease_token does not match")
    # Another worker client holding the claim's token is not the lease's holder either.
    other = ShortsGenClient(client.base_url, make_token("other-worker", Role.WORKER))
    for act in (
        lambda: other.heartbeat(task),
        lambda: other.release(task),
        lambda: other.report(task, status="completed"),
    ):
        with pytest.raises(WorkerError) as refused:
            act()
        assert refused.value.msg.startswith("lease_token does not match")
    assert Task.objects.get(id=task["id"]).status == "processing"
    assert client.heartbeat(task)["status"] == "processing"
    assert client.release(task)["status"] == "pending"


def test_a_task_deleted_while_it_runs_does_not_hold_back_the_rest_of_its_batch(client, project):
    tasks = make(project, 3)

    def handler(task):
        if task["id"] == tasks[1].id:
            task_delete(task_id=task["id"])  # a client deletes it meanwhile
        return {"ok": True}

    assert Worker(client, ["render"], handler, max_tasks=3).run(stop_when_idle=True) == 3
    assert sorted(Task.objects.values_list("id", "status")) == [
        (tasks[0].id, "completed"),
        (tasks[2].id, "completed"),
    ]


def test_the_cli_runs_until_idle(live_server, project):
    make(project, 3)
    token = make_token("cli", Role.WORKER)
    assert main(["--url", live_server.url, "--token", token, "--types", "render", "--once"]) == 0
    assert Task.objects.filter(status="completed").count() == 3


def test_a_waiting_worker_takes_work_as_it_comes(client, project):
    """Its claims wait on the server (wait_seconds), so work made while it waits is taken
    at once, and nothing is lost between two claims."""
    seen = []
    worker = Worker(client, ["render"], lambda task: seen.append(task["id"]), wait_seconds=20)
    running = threading.Thread(target=worker.run, kwargs={"max_batches": 3})
    running.start()
    made = [make(project, 1)[0].id for _ in range(3)]
    running.join(timeout=30)
    assert not running.is_alive()
    assert seen == made
    assert Task.objects.filter(status="completed").count() == 3


def test_a_worker_turned_away_pauses_as_the_server_asks(client, project, settings):
    """A server with too many claims waiting answers at once with Retry-After: the worker
    pauses that long instead of asking again in a tight loop."""
    settings.SHORTSGEN_CLAIM_WAITERS_PER_PROCESS = 0
    claims = []
    original = client.claim

    def counted(*args, **kwargs):
        claims.append(time.monotonic())
        return original(*args, **kwargs)

    client.claim = counted
    worker = Worker(client, ["render"], lambda task: None, wait_seconds=20, poll_seconds=0)
    running = threading.Thread(target=worker.run)
    running.start()
    time.sleep(3)
    worker.stopping.set()
    running.join(timeout=10)
    assert client.claim_retry_after == 2
    assert 1 <= len(claims) <= 2
