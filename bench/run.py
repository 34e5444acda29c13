"""`make bench`: claim → complete throughput through gunicorn, beside a raw-SQL view and
Procrastinate, and claim latency with 1k and 1M ready tasks. Prints a table, writes JSON.

Environment: BENCH_DATABASE_URL (a database of its own; created if missing),
BENCH_WORKERS (client processes, 16), BENCH_SECONDS (per phase, 10),
BENCH_GUNICORN_WORKERS (4), BENCH_LATENCY_ROWS (1000000), BENCH_PROCRASTINATE_JOBS (10000).
"""

import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shortsgen_bench")
WORKERS = int(os.environ.get("BENCH_WORKERS", "16"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
LATENCY_ROWS = int(os.environ.get("BENCH_LATENCY_ROWS", "1000000"))
PROCRASTINATE_JOBS = int(os.environ.get("BENCH_PROCRASTINATE_JOBS", "10000"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
URL = f"http://127.0.0.1:{PORT}"
BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    "DATABASE_URL": DB,
    "BENCH_DATABASE_URL": DB,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "*",
    "DATABASE_CONN_MAX_AGE": "600",
    "SHORTSGEN_LOG_LEVEL": "WARNING",
    # The benchmark measures the claim, not the per-client throttle.
    "SHORTSGEN_THROTTLE_WORKER": "none",
}
FORK = multiprocessing.get_context("fork")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- database -------------------------------------------------------------------------------


def ensure_database() -> None:
    name = psycopg.conninfo.conninfo_to_dict(DB)["dbname"]
    admin = psycopg.conninfo.make_conninfo(DB, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput")


def manage(*args: str) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def sql(statement: str, params=None):
    with psycopg.connect(DB, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def reset_tasks() -> None:
    sql("TRUNCATE tasks_task, tasks_taskdependency RESTART IDENTITY CASCADE")
    sql("DELETE FROM projects_project WHERE project_type = 'bench'")


def seed(task_type: str, n: int, per_project: int = 50) -> None:
    """Bulk-insert n ready tasks with generate_series (what 1M rows need), in projects of
    `per_project` tasks as real task graphs come (one project row is a lock that every
    completion of its tasks takes, to keep its counters exact)."""
    projects = -(-n // per_project)
    [(first,)] = sql(
        "WITH p AS (INSERT INTO projects_project (name, project_type, status, initial_parameters,"
        " total_tasks, completed_tasks, failed_tasks, created_at, updated_at)"
        " SELECT 'bench', 'bench', 'pending', '{}', 0, 0, 0, now(), now()"
        " FROM generate_series(1, %s) RETURNING id) SELECT min(id) FROM p",
        [projects],
    )
    sql(
        "INSERT INTO tasks_task (project_id, task_type, status, task_input, priority, attempts,"
        " max_attempts, available_at, created_at, updated_at)"
        " SELECT %s + (g - 1) / %s, %s, 'pending', '{}', 0, 0, 1, now(), now(), now()"
        " FROM generate_series(1, %s) g",
        [first, per_project, task_type, n],
    )
    sql(
        "UPDATE projects_project p SET total_tasks = t.n FROM (SELECT project_id, count(*) n"
        " FROM tasks_task WHERE project_id >= %s GROUP BY project_id) t WHERE p.id = t.project_id",
        [first],
    )
    sql("ANALYZE tasks_task")


# --- the server -------------------------------------------------------------------------------


def start_gunicorn() -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "shortsgen.wsgi",
            "--workers",
            str(GUNICORN_WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    for _ in range(100):
        try:
            if requests.get(f"{URL}/healthz", timeout=1).status_code == 200:
                return server
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


# --- client processes -------------------------------------------------------------------------


def _client(mode: str, token: str, task_type: str, start: float, stop: float, results) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    done = 0
    worker_id = f"bench-{os.getpid()}"
    while time.time() < start:
        time.sleep(0.001)
    while time.time() < stop:
        if mode == "raw":
            body = session.post(
                f"{URL}/bench/raw/claim", json={"task_types": [task_type], "worker_id": worker_id}
            ).json()
            if body["code"] != 0:
                break
            session.post(f"{URL}/bench/raw/{body['data']['id']}/complete", json={})
            done += 1
        elif mode == "single":
            body = session.post(
                f"{URL}/api/tasks/claim", json={"task_types": [task_type], "worker_id": worker_id}
            ).json()
            if body["code"] != 0:
                break
            task = body["data"]
            report = {
                "status": "completed",
                "task_output": {"ok": True},
                "lease_token": task["lease_token"],
            }
            assert session.patch(f"{URL}/api/tasks/{task['id']}", json=report).json()["code"] == 0
            done += 1
        else:  # batch
            body = session.post(
                f"{URL}/api/tasks/claim",
                json={"task_types": [task_type], "worker_id": worker_id, "max_tasks": 20},
            ).json()
            if body["code"] != 0:
                break
            tasks = body["data"]
            report = {
                "task_ids": [t["id"] for t in tasks],
                "status": "completed",
                "task_output": {"ok": True},
                "lease_token": tasks[0]["lease_token"],
            }
            reply = session.patch(f"{URL}/api/tasks/batch-update", json=report).json()
            assert reply["code"] == 0, reply
            done += len(tasks)
    results.put(done)


def throughput(mode: str, token: str, task_type: str) -> dict:
    results = FORK.Queue()
    start = time.time() + 1.0
    stop = start + SECONDS
    processes = [
        FORK.Process(target=_client, args=(mode, token, task_type, start, stop, results))
        for _ in range(WORKERS)
    ]
    for process in processes:
        process.start()
    counts = [results.get(timeout=SECONDS + 120) for _ in processes]
    for process in processes:
        process.join()
    elapsed = SECONDS
    return {"tasks": sum(counts), "seconds": elapsed, "per_second": round(sum(counts) / elapsed, 1)}


# --- Procrastinate ------------------------------------------------------------------------------


def _procrastinate_worker(concurrency: int) -> None:
    from bench.procrastinate_app import app

    with app.open():
        app.run_worker(queues=["bench"], concurrency=concurrency, wait=False, listen_notify=False)


def procrastinate_throughput() -> dict:
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
    started = time.time()
    processes = [
        FORK.Process(target=_procrastinate_worker, args=(concurrency,))
        for _ in range(processes_count)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.time() - started
    [(done,)] = sql(
        "SELECT count(*) FROM procrastinate_jobs WHERE queue_name = 'bench'"
        " AND status = 'succeeded'"
    )
    return {
        "tasks": done,
        "seconds": round(elapsed, 2),
        "per_second": round(done / elapsed, 1),
        "processes": processes_count,
        "concurrency_per_process": concurrency,
    }


# --- latency ------------------------------------------------------------------------------------


def claim_latency(token: str, task_type: str, samples: int = 300) -> dict:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    timings = []
    for _ in range(samples + 20):
        began = time.perf_counter()
        body = session.post(f"{URL}/api/tasks/claim", json={"task_types": [task_type]}).json()
        timings.append((time.perf_counter() - began) * 1000)
        assert body["code"] == 0, body
    timings = timings[20:]  # warm connections and caches first
    timings.sort()
    return {
        "samples": samples,
        "p50_ms": round(statistics.median(timings), 3),
        "p90_ms": round(timings[int(samples * 0.9)], 3),
    }


def explain(task_type: str) -> str:
    rows = sql(
        "EXPLAIN SELECT * FROM tasks_task WHERE status = 'pending' AND deleted_at IS NULL"
        " AND task_type = %s AND available_at <= now() ORDER BY priority DESC, id LIMIT 1"
        " FOR UPDATE SKIP LOCKED",
        [task_type],
    )
    return "\n".join(row[0] for row in rows)


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ.update(ENV)
    log(f"database {DB}; {WORKERS} client processes; {SECONDS:g} s per phase")
    ensure_database()
    token = manage("create_api_token", "bench", "--role", "worker", "--rotate")
    reset_tasks()
    per_phase = max(20_000, int(SECONDS * 3000))
    for task_type in ("single", "raw"):
        seed(task_type, per_phase)
    seed("batch", per_phase * 4)
    server = start_gunicorn()
    results: dict = {}
    try:
        for mode in ("raw", "single", "batch"):
            log(f"throughput: {mode}")
            results[mode] = throughput(mode, token, mode)
        log("throughput: procrastinate")
        results["procrastinate"] = procrastinate_throughput()
        log("latency: 1k ready tasks")
        seed("latency", 1000)
        results["latency_1k"] = claim_latency(token, "latency")
        log(f"latency: {LATENCY_ROWS:,} ready tasks (bulk insert)")
        seed("latency", LATENCY_ROWS)
        results["latency_1m"] = claim_latency(token, "latency")
        results["explain_claim"] = explain("latency")
    finally:
        server.terminate()
        server.wait()

    ratios = {
        "single_vs_raw": round(results["single"]["per_second"] / results["raw"]["per_second"], 3),
        "batch_vs_procrastinate": round(
            results["batch"]["per_second"] / results["procrastinate"]["per_second"], 3
        ),
        "latency_1m_vs_1k": round(
            results["latency_1m"]["p50_ms"] / results["latency_1k"]["p50_ms"], 3
        ),
    }
    targets = {"single_vs_raw": (">=", 0.5), "batch_vs_procrastinate": (">=", 1.0)}
    targets["latency_1m_vs_1k"] = ("<=", 1.2)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "config": {
            "workers": WORKERS,
            "seconds": SECONDS,
            "gunicorn_workers": GUNICORN_WORKERS,
            "latency_rows": LATENCY_ROWS,
            "procrastinate_jobs": PROCRASTINATE_JOBS,
        },
        "results": results,
        "ratios": ratios,
    }
    print()
    print(f"{'measure':<44}{'value':>14}")
    print("-" * 58)
    for mode, label in (
        ("raw", "raw-SQL view, claim+complete (tasks/s)"),
        ("single", "ShortsGen one at a time (tasks/s)"),
        ("batch", "ShortsGen max_tasks 20 + batch-update (/s)"),
        ("procrastinate", "Procrastinate no-op jobs (jobs/s)"),
    ):
        print(f"{label:<44}{results[mode]['per_second']:>14,.1f}")
    print(f"{'claim p50 with 1k ready (ms)':<44}{results['latency_1k']['p50_ms']:>14.2f}")
    label = f"claim p50 with {LATENCY_ROWS:,} ready (ms)"
    print(f"{label:<44}{results['latency_1m']['p50_ms']:>14.2f}")
    print("-" * 58)
    for name, value in ratios.items():
        op, target = targets[name]
        met = value >= target if op == ">=" else value <= target
        print(f"{name:<32}{value:>8.3f}  target {op} {target:<5} {'met' if met else 'MISSED'}")
    out = ROOT / "bench" / "results" / f"bench-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    log(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
