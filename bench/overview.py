"""`make bench-overview`: the console's overview (/admin/) with 1M tasks in the table.

Seeds BENCH_OVERVIEW_TASKS tasks (1,000,000) with generate_series in the shape of a factory
that has run for a month: most tasks completed, some waiting, pending, processing (a few
with leases that ran out) and failed (some within the last day), in projects of 50, with
accounts, workflow runs and inspirations beside them. Then renders the overview through
Django's test client, signed in as a superuser, BENCH_OVERVIEW_REQUESTS times (after 3
warm-up requests), and prints the median and the slowest, with the plan of each panel query.

Environment: BENCH_DATABASE_URL (a database of its own; created and migrated if missing,
its tasks replaced), BENCH_OVERVIEW_TASKS, BENCH_OVERVIEW_REQUESTS (15).
"""

import json
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.config import DB, ROOT, log
from bench.database import ensure_database, sql

TASKS = int(os.environ.get("BENCH_OVERVIEW_TASKS", "1000000"))
REQUESTS = int(os.environ.get("BENCH_OVERVIEW_REQUESTS", "15"))
TASK_TYPES = [
    "script_generation",
    "image_generation",
    "audio_generation",
    "video_generation",
    "video_compose",
    "publish",
    "subtitle_generation",
    "thumbnail_generation",
    "caption_translation",
    "quality_check",
]
# Per 10,000 tasks (the rest completed): a month of work, today's queue at its end.
MIX = [("waiting", 400), ("pending", 300), ("processing", 50), ("expired", 5), ("failed", 200)]


def seed() -> None:
    log(f"seeding {TASKS:,} tasks")
    sql("TRUNCATE tasks_task, tasks_taskdependency RESTART IDENTITY CASCADE")
    sql(
        "TRUNCATE projects_project, core_workflowrun, inspirations_inspiration"
        " RESTART IDENTITY CASCADE"
    )
    sql("DELETE FROM accounts_platformaccount")
    per_project = 50
    sql(
        "INSERT INTO projects_project (name, project_type, status, initial_parameters,"
        " total_tasks, completed_tasks, failed_tasks, created_at, updated_at)"
        " SELECT 'bench ' || g, 'video_generation', 'processing', '{}', 50, 0, 0, now(), now()"
        " FROM generate_series(1, %s) g",
        [-(-TASKS // per_project)],
    )
    # Each task's slot in 10,000 decides its status (MIX); its age spreads over 30 days.
    bounds, start = [], 0
    for status, share in MIX:
        bounds.append((status, start, start + share))
        start += share
    status_case = " ".join(
        f"WHEN slot >= {low} AND slot < {high} THEN '{status}'" for status, low, high in bounds
    )
    types = "ARRAY[" + ", ".join(f"'{t}'" for t in TASK_TYPES) + "]"
    sql(
        "INSERT INTO tasks_task (project_id, task_type, status, task_input, priority, attempts,"
        " max_attempts, worker_id, lease_expires_at, available_at, started_at, created_at,"
        " updated_at)"
        f" SELECT 1 + (g - 1) / {per_project}, ({types})[1 + g %% {len(TASK_TYPES)}],"
        " CASE WHEN st = 'expired' THEN 'processing' ELSE st END, '{}', 0, 1, 3,"
        " CASE WHEN st IN ('processing', 'expired') THEN 'worker-' || (g %% 12) END,"
        " CASE WHEN st = 'expired' THEN now() - interval '10 minutes'"
        "  WHEN st = 'processing' THEN now() + interval '20 minutes' END,"
        " age, age, age, age"
        f" FROM (SELECT g, CASE {status_case} ELSE 'completed' END AS st,"
        "  now() - (g::float / %s) * interval '30 days' AS age"
        "  FROM (SELECT g, g %% 10000 AS slot FROM generate_series(1, %s) g) n) s",
        [TASKS, TASKS],
    )
    sql(
        "INSERT INTO accounts_platformaccount (platform, name, credentials_encrypted, status,"
        " daily_limit, used_today, usage_date, created_at, updated_at)"
        " SELECT (ARRAY['dreamina', 'midjourney', 'runway'])[1 + g % 3], 'account-' || g, '',"
        " CASE WHEN g % 5 = 0 THEN 'inactive' ELSE 'active' END, 100, (g * 37) % 101,"
        " (now() AT TIME ZONE 'UTC')::date, now(), now() FROM generate_series(1, 12) g"
    )
    sql(
        "INSERT INTO core_workflowrun (kind, target_type, target_id, url, payload, state,"
        " response_excerpt, attempts, created_at, updated_at)"
        " SELECT 'execution', 'project', g, 'http://n8n:5678/webhook/x', '{}',"
        " CASE WHEN g % 50 = 0 THEN 'failed' WHEN g % 997 = 0 THEN 'pending'"
        " ELSE 'succeeded' END, '', 1, now() - g * interval '1 minute',"
        " now() - g * interval '1 minute' FROM generate_series(1, 20000) g"
    )
    sql(
        "INSERT INTO inspirations_inspiration (title, parameters, status, created_at,"
        " updated_at) SELECT 'idea ' || g, '{}',"
        " CASE WHEN g % 20 = 0 THEN 'draft' ELSE 'approved' END, now(), now()"
        " FROM generate_series(1, 20000) g"
    )
    log("VACUUM ANALYZE")
    for table in ("tasks_task", "projects_project", "core_workflowrun"):
        sql(f"VACUUM ANALYZE {table}")
    sql("ANALYZE")


def measure() -> dict:
    os.environ["DATABASE_URL"] = DB
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shortsgen.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # Rendered from the apps' static folders, as in the tests (no collectstatic here).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    User = get_user_model()
    user = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", "", None
    )
    client = Client()
    client.force_login(user)
    for _ in range(3):
        assert client.get("/admin/").status_code == 200
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get("/admin/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/")
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]
    plans = {}
    with connection.cursor() as cursor:
        for query in slowest:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF) {query['sql']}")
            plans[query["sql"][:120]] = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "min_ms": round(min(timings), 1),
        "requests": REQUESTS,
        "queries": len(queries.captured_queries),
        "slowest_queries": plans,
    }


def main() -> None:
    ensure_database()
    seed()
    [(count,)] = sql("SELECT count(*) FROM tasks_task")
    load_before = os.getloadavg()[0]
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        # The machine may be shared: what else ran is part of the figure.
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "tasks": count,
        **measure(),
    }
    for sql_text, plan in result["slowest_queries"].items():
        print(f"\n-- {sql_text}\n{plan}")
    print(
        f"\noverview /admin/ with {count:,} tasks: median {result['median_ms']} ms, "
        f"fastest {result['min_ms']} ms, slowest {result['max_ms']} ms over "
        f"{REQUESTS} requests, {result['queries']} queries; load average "
        f"{result['load_average_before']} → {result['load_average_after']} on "
        f"{result['machine']}"
    )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = Path(out / f"overview-{datetime.now(UTC):%Y%m%dT%H%M%S}.json")
    path.write_text(json.dumps(result, indent=2))
    log(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
