"""The knobs of `make bench` (from the environment) and the environment of its processes."""

import os
import time

from accounts.crypto import derive_key
from tools.processes import ROOT


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shortsgen_bench")
RUNS = env_int("BENCH_RUNS", 3)
WORKERS = env_int("BENCH_WORKERS", 16)
SECONDS = env_float("BENCH_SECONDS", 8)
GUNICORN_WORKERS = env_int("BENCH_GUNICORN_WORKERS", 4)
LATENCY_ROWS = env_int("BENCH_LATENCY_ROWS", 1_000_000)
LATENCY_SMALL_ROWS = 1000
PROCRASTINATE_JOBS = env_int("BENCH_PROCRASTINATE_JOBS", 10_000)
# "6,000 tasks in one project" against the same number in projects of 50.
PROJECT_TASKS = env_int("BENCH_PROJECT_TASKS", 6000)
SPREAD_PER_PROJECT = 50
# Claims that wait for work (bench/waiting_claims.py): worker clients, and tasks handed out
# one at a time while they all wait.
WAIT_CLIENTS = env_int("BENCH_WAIT_CLIENTS", 50)
WAIT_ROUNDS = env_int("BENCH_WAIT_ROUNDS", 30)
# None: a free port, chosen when gunicorn starts.
PORT = env_int("BENCH_PORT", 0) or None
RESULTS = ROOT / "bench" / "results"
ENV = {
    **os.environ,
    "DATABASE_URL": DB,
    "BENCH_DATABASE_URL": DB,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
    # A deployment must name its credentials key; this is the one derived from the secret
    # above, which the bench used before, so that the credentials of an earlier run still read.
    "SHORTSGEN_CREDENTIALS_KEY": derive_key("bench-only-not-a-secret").decode(),
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "*",
    "DATABASE_CONN_MAX_AGE": "600",
    "SHORTSGEN_LOG_LEVEL": "WARNING",
    # The benchmark measures the claim, not the per-client throttle.
    "SHORTSGEN_THROTTLE_WORKER": "none",
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)
