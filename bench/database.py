"""The bench's own database: created and migrated if missing, its tasks seeded in bulk with
generate_series (what 1M rows need) and reset between runs."""

import psycopg

from bench.config import DB, ENV, LATENCY_ROWS, SPREAD_PER_PROJECT
from tools.processes import manage

LATENCY_LARGE_TYPE = "latency-large"


def ensure_database() -> None:
    name = psycopg.conninfo.conninfo_to_dict(DB)["dbname"]
    admin = psycopg.conninfo.make_conninfo(DB, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", env=ENV)


def sql(statement: str, params=None):
    with psycopg.connect(DB, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def seed(task_type: str, n: int, *, per_project: int = SPREAD_PER_PROJECT) -> None:
    """Insert n ready tasks in projects of `per_project` tasks, as real task graphs come (one
    project row is a lock that every completion of its tasks takes, to keep its counters
    exact). ANALYZE is the caller's, once after all its seeds."""
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


def seed_latency_queue() -> None:
    """The large latency queue, once per bench (a 1M-row insert takes a minute here)."""
    sql("TRUNCATE tasks_task, tasks_taskdependency RESTART IDENTITY CASCADE")
    sql("DELETE FROM projects_project WHERE project_type = 'bench'")
    seed(LATENCY_LARGE_TYPE, LATENCY_ROWS)
    # Now, not during a run: autovacuum would otherwise pick the fresh rows up mid-phase.
    sql("VACUUM ANALYZE tasks_task")


def reset_run() -> None:
    """Every run starts from the same table: the large latency queue, all ready, and nothing
    else (the claims of the run before and their records gone, vacuumed)."""
    sql("TRUNCATE tasks_taskattempt, tasks_taskdependency, core_auditentry")
    sql(
        "DELETE FROM tasks_task WHERE task_type <> %s OR status <> 'pending'",
        [LATENCY_LARGE_TYPE],
    )
    sql(
        "DELETE FROM projects_project p WHERE project_type = 'bench'"
        " AND NOT EXISTS (SELECT 1 FROM tasks_task t WHERE t.project_id = p.id)"
    )
    sql("VACUUM ANALYZE tasks_task")
    sql("VACUUM ANALYZE projects_project")


def explain_claim(task_type: str) -> str:
    rows = sql(
        "EXPLAIN SELECT * FROM tasks_task WHERE status = 'pending' AND deleted_at IS NULL"
        " AND task_type = %s AND available_at <= now() ORDER BY priority DESC, id LIMIT 1"
        " FOR UPDATE SKIP LOCKED",
        [task_type],
    )
    return "\n".join(row[0] for row in rows)
