"""`make bench`: claim → complete throughput through gunicorn, beside a raw-SQL view and
Procrastinate; one project of 6,000 tasks against projects of 50; claim latency with 1k and
1M ready tasks. BENCH_RUNS runs of every phase; each target's ratio is computed within a run
and reported per run and as the median. Then, once, claims that wait for work
(bench/waiting_claims.py: its own gunicorn, with the project's configuration). Prints the
tables, writes JSON to bench/results/.

Environment: BENCH_DATABASE_URL (a database of its own; created if missing), BENCH_RUNS (3),
BENCH_WORKERS (client processes, 16), BENCH_SECONDS (per phase, 8), BENCH_GUNICORN_WORKERS
(4), BENCH_LATENCY_ROWS (1000000), BENCH_PROCRASTINATE_JOBS (10000), BENCH_PROJECT_TASKS
(6000), BENCH_PORT (a free one), BENCH_WAIT_CLIENTS (50), BENCH_WAIT_ROUNDS (30).

Whatever ends it (an error, a failed phase, Ctrl-C, SIGTERM), gunicorn, the client processes
and Procrastinate's workers are stopped; a gunicorn left by a run killed with SIGKILL is
stopped by the next run (bench/results/gunicorn.pid).
"""

import sys

from bench import config
from bench.command import ran_when_and_where, run_bench
from bench.config import ENV, LATENCY_ROWS, LATENCY_SMALL_ROWS, PROJECT_TASKS, RESULTS, log
from bench.database import (
    LATENCY_LARGE_TYPE,
    ensure_database,
    explain_claim,
    reset_run,
    seed,
    seed_latency_queue,
    sql,
)
from bench.phases import claim_latency, procrastinate_throughput, throughput
from bench.report import format_table, format_waits
from bench.targets import check_waits, summarise
from bench.waiting_claims import waiting_claims
from tools.processes import GunicornServer, free_port, manage

# (result key, client mode, task type): the HTTP phases of a run, in order.
HTTP_PHASES = (
    ("raw", "raw", "raw"),
    ("single", "single", "single"),
    ("batch", "batch", "batch"),
    ("one_project", "single", "one-project"),
    ("spread", "single", "spread"),
)
LATENCY_SMALL_TYPE = "latency-1k"


def seed_run() -> None:
    per_phase = max(20_000, int(config.SECONDS * 3000))
    seed("raw", per_phase)
    seed("single", per_phase)
    seed("batch", per_phase * 4)
    seed("one-project", PROJECT_TASKS, per_project=PROJECT_TASKS)
    seed("spread", PROJECT_TASKS)
    seed(LATENCY_SMALL_TYPE, LATENCY_SMALL_ROWS)
    sql("ANALYZE tasks_task")


def measure_run(number: int, url: str, token: str) -> dict:
    log(f"run {number}/{config.RUNS}: reset and seed")
    reset_run()
    seed_run()
    results = {}
    for key, mode, task_type in HTTP_PHASES[:3]:
        log(f"run {number}: throughput {key}")
        results[key] = throughput(mode, url, token, task_type)
    log(f"run {number}: throughput procrastinate")
    results["procrastinate"] = procrastinate_throughput()
    for key, mode, task_type in HTTP_PHASES[3:]:
        log(f"run {number}: throughput {key}")
        results[key] = throughput(mode, url, token, task_type)
    log(f"run {number}: claim latency, {LATENCY_SMALL_ROWS:,} and {LATENCY_ROWS:,} ready")
    results["latency_1k"] = claim_latency(url, token, LATENCY_SMALL_TYPE)
    results["latency_1m"] = claim_latency(url, token, LATENCY_LARGE_TYPE)
    return results


def bench(stamp: str) -> dict:
    log(
        f"database {config.DB}; {config.RUNS} runs; {config.WORKERS} client processes;"
        f" {config.SECONDS:g} s per phase"
    )
    ensure_database()
    token = manage("create_api_token", "bench", "--role", "worker", "--rotate", env=ENV)
    server = GunicornServer(
        env=ENV,
        port=config.PORT or free_port(),
        workers=config.GUNICORN_WORKERS,
        log_path=RESULTS / f"bench-{stamp}-gunicorn.log",
        options=("--log-level", "warning"),
        pidfile=RESULTS / "gunicorn.pid",
    )
    # Started before the long seed, so that a server that cannot start fails the bench early.
    with server:
        log(f"gunicorn on {server.url}")
        log(f"seeding the large latency queue once: {LATENCY_ROWS:,} ready tasks")
        seed_latency_queue()
        runs = [measure_run(number, server.url, token) for number in range(1, config.RUNS + 1)]
    log("claims that wait for work")
    waits = waiting_claims(stamp)
    return {
        **ran_when_and_where(),
        "config": {
            "runs": config.RUNS,
            "workers": config.WORKERS,
            "seconds": config.SECONDS,
            "gunicorn_workers": config.GUNICORN_WORKERS,
            "latency_rows": LATENCY_ROWS,
            "procrastinate_jobs": config.PROCRASTINATE_JOBS,
            "project_tasks": PROJECT_TASKS,
            "wait_clients": config.WAIT_CLIENTS,
            "wait_rounds": config.WAIT_ROUNDS,
        },
        "runs": runs,
        "ratios": summarise(runs),
        "explain_claim": explain_claim(LATENCY_LARGE_TYPE),
        "waiting_claims": waits,
        "waiting_targets": check_waits(waits),
    }


def tables(report: dict) -> str:
    return "\n\n".join(
        [
            format_table(report["runs"], report["ratios"], LATENCY_ROWS),
            format_waits(report["waiting_claims"], report["waiting_targets"]),
        ]
    )


def main() -> int:
    return run_bench("bench", bench, tables)


if __name__ == "__main__":
    sys.exit(main())
