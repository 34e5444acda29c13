"""The measured phases of one run: client processes speaking HTTP to gunicorn for a fixed
window, Procrastinate's own worker over the same window, and sequential claim latency."""

import contextlib
import multiprocessing
import os
import queue
import signal
import statistics
import time

import requests

from bench.config import PROCRASTINATE_JOBS, SECONDS, WORKERS
from bench.database import sql

FORK = multiprocessing.get_context("fork")
# Clients and workers start together this long after they are forked, and measure after it.
LEAD_SECONDS = 1.0
REQUEST_TIMEOUT = 30


class PhaseFailed(RuntimeError):
    """A client or worker of a phase failed; the bench stops rather than report its figure."""


def _child(target, *args) -> None:
    # The parent's handlers turn SIGTERM into KeyboardInterrupt for its own unwinding; a child
    # it terminates should just end.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    target(*args)


@contextlib.contextmanager
def forked(target, args_list):
    """Start one process per args; on the way out, whatever happened, none is left running
    (those still running after a normal end get 10 s to finish)."""
    processes = [FORK.Process(target=_child, args=(target, *args)) for args in args_list]
    try:
        for process in processes:
            process.start()
        yield processes
        for process in processes:
            process.join(timeout=10)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()


def _one_cycle(mode: str, session, url: str, task_type: str, worker_id: str) -> int | None:
    """One claim → complete cycle; the tasks it completed, None when nothing was ready."""
    claim = {"task_types": [task_type], "worker_id": worker_id}
    if mode == "raw":
        body = session.post(f"{url}/bench/raw/claim", json=claim, timeout=REQUEST_TIMEOUT).json()
        if body["code"] != 0:
            return None
        complete = f"{url}/bench/raw/{body['data']['id']}/complete"
        session.post(complete, json={}, timeout=REQUEST_TIMEOUT).raise_for_status()
        return 1
    if mode == "batch":
        claim["max_tasks"] = 20
    body = session.post(f"{url}/api/tasks/claim", json=claim, timeout=REQUEST_TIMEOUT).json()
    if body["code"] != 0:
        return None
    tasks = body["data"] if mode == "batch" else [body["data"]]
    report = {"status": "completed", "task_output": {"ok": True}}
    report["lease_token"] = tasks[0]["lease_token"]
    if mode == "batch":
        report["task_ids"] = [task["id"] for task in tasks]
        target = f"{url}/api/tasks/batch-update"
    else:
        target = f"{url}/api/tasks/{tasks[0]['id']}"
    reply = session.patch(target, json=report, timeout=REQUEST_TIMEOUT).json()
    if reply["code"] != 0:
        raise PhaseFailed(f"report refused: {reply}")
    return len(tasks)


def _client(mode, url, token, task_type, start, stop, results) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    worker_id = f"bench-{os.getpid()}"
    done, ran_dry = 0, False
    try:
        while time.time() < start:
            time.sleep(0.001)
        while time.time() < stop:
            completed = _one_cycle(mode, session, url, task_type, worker_id)
            if completed is None:
                ran_dry = True
                break
            done += completed
    except Exception as error:
        results.put((done, ran_dry, f"{type(error).__name__}: {error}"))
        return
    results.put((done, ran_dry, None))


def throughput(mode: str, url: str, token: str, task_type: str) -> dict:
    """WORKERS client processes cycling for SECONDS: tasks completed per second."""
    results = FORK.Queue()
    start = time.time() + LEAD_SECONDS
    args = (mode, url, token, task_type, start, start + SECONDS, results)
    with forked(_client, [args] * WORKERS):
        try:
            outcomes = [results.get(timeout=SECONDS + 120) for _ in range(WORKERS)]
        except queue.Empty:
            raise PhaseFailed(f"{mode}: a client process ended without its count") from None
    errors = [error for _, _, error in outcomes if error]
    if errors:
        raise PhaseFailed(f"{mode} on {task_type}: {errors[0]}")
    done = sum(count for count, _, _ in outcomes)
    return {
        "tasks": done,
        "seconds": SECONDS,
        "per_second": round(done / SECONDS, 1),
        # Clients that found the queue empty: the figure is then a floor, not a rate.
        "ran_dry": sum(1 for _, dry, _ in outcomes if dry),
    }


def _procrastinate_worker(concurrency: int) -> None:
    from bench.procrastinate_app import app

    with app.open():
        app.run_worker(queues=["bench"], concurrency=concurrency, wait=False, listen_notify=False)


def _succeeded_jobs() -> int:
    [(done,)] = sql(
        "SELECT count(*) FROM procrastinate_jobs WHERE queue_name = 'bench'"
        " AND status = 'succeeded'"
    )
    return done


def procrastinate_throughput() -> dict:
    """Procrastinate's worker on PROCRASTINATE_JOBS no-op jobs: the jobs it finished within the
    same window as the HTTP phases, after the same lead."""
    from bench.procrastinate_app import app, noop

    with app.open():
        if sql("SELECT to_regclass('procrastinate_jobs')")[0][0] is None:
            app.schema_manager.apply_schema()
        sql("DELETE FROM procrastinate_jobs WHERE queue_name = 'bench'")
        for start in range(0, PROCRASTINATE_JOBS, 1000):
            size = min(1000, PROCRASTINATE_JOBS - start)
            noop.batch_defer(*({"n": i} for i in range(start, start + size)))
    processes_count = max(1, WORKERS // 8)
    concurrency = max(1, WORKERS // processes_count)
    with forked(_procrastinate_worker, [(concurrency,)] * processes_count) as workers:
        time.sleep(LEAD_SECONDS)
        before = _succeeded_jobs()
        time.sleep(SECONDS)
        done = _succeeded_jobs() - before
        if any(worker.exitcode not in (None, 0) for worker in workers):
            raise PhaseFailed("procrastinate: a worker process failed")
        for worker in workers:
            worker.terminate()  # its graceful stop: the jobs in hand, then out
    [(left,)] = sql(
        "SELECT count(*) FROM procrastinate_jobs WHERE queue_name = 'bench' AND status = 'todo'"
    )
    return {
        "tasks": done,
        "seconds": SECONDS,
        "per_second": round(done / SECONDS, 1),
        "ran_dry": int(left == 0),
        "processes": processes_count,
        "concurrency_per_process": concurrency,
    }


def claim_latency(url: str, token: str, task_type: str, samples: int = 300) -> dict:
    """One client, sequential single claims (after 20 to warm connections and caches)."""
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    timings = []
    for _ in range(samples + 20):
        began = time.perf_counter()
        claim = {"task_types": [task_type]}
        reply = session.post(f"{url}/api/tasks/claim", json=claim, timeout=REQUEST_TIMEOUT)
        timings.append((time.perf_counter() - began) * 1000)
        if reply.json()["code"] != 0:
            raise PhaseFailed(f"latency on {task_type}: claim refused: {reply.text[:300]}")
    timings = sorted(timings[20:])
    return {
        "samples": samples,
        "p50_ms": round(statistics.median(timings), 3),
        "p90_ms": round(timings[int(samples * 0.9)], 3),
    }
