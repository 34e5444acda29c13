"""Where a one-task claim → complete cycle spends its time: cProfile of N cycles through
Django's test client (the same middleware, DRF and services as under gunicorn, minus the
socket), against the bench database. `python -m bench.profile_cycle [N]` after `make bench`."""

import cProfile
import io
import os
import pstats
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault(
    "DATABASE_URL",
    os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shortsgen_bench"),
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "*")

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core.roles import Role  # noqa: E402
from core.testing import make_token  # noqa: E402


def main(cycles: int = 300) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Token {make_token('bench', Role.WORKER)}")
    claim = {"task_types": ["single"], "worker_id": "profiler"}

    def cycle():
        task = client.post("/api/tasks/claim", claim, content_type="application/json").json()
        task = task["data"]
        report = {"status": "completed", "lease_token": task["lease_token"]}
        client.patch(f"/api/tasks/{task['id']}", report, content_type="application/json")

    cycle()  # warm up
    with CaptureQueriesContext(connection) as queries:
        cycle()
    print(f"queries per cycle: {len(queries.captured_queries)}")
    for query in queries.captured_queries:
        print("  ", query["sql"][:110])
    reset_queries()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(cycles):
        cycle()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(
        os.environ.get("PROFILE_SORT", "cumulative")
    )
    stats.print_stats(30)
    print(out.getvalue())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
