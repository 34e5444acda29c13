"""The claim's SQL: the ready candidates, and on PostgreSQL the whole claim in one statement.

`candidate_arms` is the one definition of "the best ready tasks of these types": one arm per
type, so each walks the partial index `tasks_task_claim_pending` in priority order and stops
after `max_tasks` rows (an IN over the types would have to sort every ready row), and one arm
for leases that ran out (`tasks_task_claim_expired`). FOR UPDATE SKIP LOCKED in each arm:
concurrent claimers pass over the rows another claim holds instead of waiting for them, so
no task goes to two workers and no worker queues behind another. SQLite has no row locks;
its IMMEDIATE transactions serialise claims instead. Quotas are filtered in the arms too
(subqueries on the small accounts table, `available_accounts_sql`), so tasks of a platform
with no quota left are passed over and block nothing.

`claim` is the hot path on PostgreSQL: those candidates dealt as `claims` deals them
(priority first, then round-robin between types from the turn of the rotation shared by all
hosts, `tasks.rotation`), updated under one lease, their attempts opened, their pending
projects started, the trail written and the payload gathered — one statement, assembled once
per process (per number of types, platforms, UTC day and max_tasks). It takes the plain case
only: every candidate pending (no expired lease to end on the way) and no dealt task needing
an account (no quota to take under the accounts' lock). Otherwise it changes nothing and
answers None, and `claims.tasks_claim` does the general claim in the same transaction.
Parity with the general claim is tested (tasks/tests/test_claim_statement.py).
"""

import functools
import json
from datetime import date

from django.db import connection

from accounts.selectors import available_accounts_sql
from core.actors import Actor
from core.models import AuditEntry
from core.sql_statement import Statement, columns, table
from projects.models import Project
from tasks.models import Task, TaskAttempt, TaskConfig, TaskDependency
from tasks.rotation import SEQUENCE
from tasks.services.records import TRAIL_ACTOR, TRAIL_COLUMNS, trail_values
from tasks.task_configs import merged_config
from workerconfigs.models import WorkerConfig

Status = Task.Status
PROJECT_STARTED_REASON = "derived from its tasks: the first one was claimed"


@functools.lru_cache(maxsize=64)
def candidate_arms(
    types: int, platforms: tuple[str, ...] | None, today: date, max_tasks: int
) -> Statement:
    """The CTE definitions `accounts` (those with quota left), `c0` … `c{types-1}` and
    `expired` (values named `type0`… and `now`); `candidates_union(types)` selects the arms.

    `max_tasks` is written into the statement, not passed as a value: a prepared statement's
    generic plan must know that each arm stops after a few rows to walk the index in order
    rather than sort every ready row of the type."""
    limit = int(max_tasks)
    skip_locked = connection.features.has_select_for_update_skip_locked
    lock = " FOR UPDATE SKIP LOCKED" if skip_locked else ""
    tasks = table(Task)
    quota = _QUOTA if platforms is None else _QUOTA_OF_PLATFORMS
    pieces: list = [
        "accounts AS (",
        available_accounts_sql(today=today, platforms=platforms),
        "), ",
    ]
    for index in range(types):
        pieces += [
            f"c{index} AS (SELECT * FROM {tasks} WHERE status = '{Status.PENDING}'"
            f" AND deleted_at IS NULL AND task_type = %(type{index})s"
            " AND available_at <= %(now)s AND ",
            quota,
            f" ORDER BY priority DESC, id LIMIT {limit}{lock}), ",
        ]
    type_list = ", ".join(f"%(type{index})s" for index in range(types))
    pieces += [
        f"expired AS (SELECT * FROM {tasks} WHERE status = '{Status.PROCESSING}'"
        f" AND deleted_at IS NULL AND lease_expires_at <= %(now)s AND task_type IN ({type_list})"
        " AND ",
        quota,
        f" ORDER BY lease_expires_at, id LIMIT {limit}{lock})",
    ]
    return Statement.of(*pieces)


def candidates_union(types: int) -> str:
    return " UNION ALL ".join(
        [*(f"SELECT * FROM c{i}" for i in range(types)), "SELECT * FROM expired"]
    )


def candidate_values(types: list[str], *, now) -> dict:
    return {
        "now": connection.ops.adapt_datetimefield_value(now),
        **{f"type{index}": task_type for index, task_type in enumerate(types)},
    }


# The arms' quota filter on a task, from the accounts' one rule (the `accounts` CTE). A task
# bound to an account, or needing a platform, waits until an account has quota: without one,
# a worker could not run it anyway (it would get no credentials). A worker naming its
# platforms gets only work on them.
_QUOTA_OF_PLATFORMS = (
    "(platform_account_id IN (SELECT id FROM accounts)"
    " OR (platform_account_id IS NULL AND platform IN (SELECT platform FROM accounts)))"
)
_QUOTA = f"({_QUOTA_OF_PLATFORMS} OR (platform_account_id IS NULL AND platform IS NULL))"


def claim(
    *,
    actor: Actor,
    types: list[str],
    max_tasks: int,
    worker_id: str | None,
    lease_token: str,
    lease_expires_at,
    platforms: tuple[str, ...] | None,
    now,
    today: date,
) -> tuple[list[Task], dict[int, dict]] | None:
    """Claim in one statement (see the module docstring): the tasks, in the order dealt, and
    their payloads; None, having changed nothing, when the general claim must decide."""
    statement = _statement(len(types), platforms, today, max_tasks)
    values = {
        **candidate_values(types, now=now),
        "types": types,
        "worker_id": worker_id,
        "worker_label": worker_id or "(unnamed)",
        "lease_token": lease_token,
        "holder": actor.user_id,
        "lease_expires_at": lease_expires_at,
        "started_reason": PROJECT_STARTED_REASON,
        **trail_values(actor),
    }
    rows = statement.instances(Task, values)
    if not rows[0].plain:
        return None
    tasks = [task for task in rows if task.id is not None]
    return tasks, {task.id: _payload(task) for task in tasks}


def _payload(task: Task) -> dict:
    """What `selectors.claim_payloads` gives a task that needs no account, from the
    statement's columns."""
    task.dependency_ids = list(task.dependency_id_list)
    outputs = json.loads(task.dependency_output_list)
    configs = json.loads(task.config_list or "[]")
    return {
        "dependencies": task.dependency_ids,
        "dependency_outputs": {
            str(dep_id): output for dep_id, output in zip(task.dependency_ids, outputs, strict=True)
        },
        "configs": [
            merged_config(**dict(zip(_CONFIG_COLUMNS, row, strict=True))) for row in configs
        ],
        "credentials": None,
    }


@functools.lru_cache(maxsize=64)
def _statement(
    types: int, platforms: tuple[str, ...] | None, today: date, max_tasks: int
) -> Statement:
    tasks = table(Task)
    dependencies = table(TaskDependency)
    return Statement.of(
        "WITH ",
        candidate_arms(types, platforms, today, max_tasks),
        f""", candidates AS (
    SELECT u.*, row_number() OVER (PARTITION BY task_type, priority ORDER BY id) AS rank
    FROM ({candidates_union(types)}) u
){_turn(types)}, picked AS (
    SELECT id, row_number() OVER (
        ORDER BY priority DESC, rank, {_place_in_turn(types)}
    ) AS position, platform, platform_account_id
    FROM candidates
    ORDER BY position LIMIT {int(max_tasks)}
), gate AS (
    SELECT NOT EXISTS (SELECT 1 FROM candidates WHERE status <> '{Status.PENDING}')
       AND NOT EXISTS (
           SELECT 1 FROM picked WHERE platform IS NOT NULL OR platform_account_id IS NOT NULL
       ) AS plain
), claimed AS (
    UPDATE {tasks} t SET status = '{Status.PROCESSING}', started_at = %(now)s,
        worker_id = %(worker_id)s, lease_token = %(lease_token)s, lease_holder_id = %(holder)s,
        lease_expires_at = %(lease_expires_at)s, updated_at = %(now)s, attempts = t.attempts + 1
    FROM picked WHERE t.id = picked.id AND (SELECT plain FROM gate)
    RETURNING t.*, picked.position
), attempt AS (
    INSERT INTO {table(TaskAttempt)} (task_id, number, worker_id, lease_holder_id, claimed_at)
    SELECT id, attempts, worker_id, lease_holder_id, %(now)s FROM {_DEALT}
), started AS (
    UPDATE {table(Project)} SET status = '{Project.Status.PROCESSING}', updated_at = %(now)s
    WHERE id IN (SELECT project_id FROM claimed) AND status = '{Project.Status.PENDING}'
      AND deleted_at IS NULL
    RETURNING id, name
), trail AS (
    INSERT INTO {table(AuditEntry)} ({TRAIL_COLUMNS})
    SELECT {TRAIL_ACTOR}, 'task.claim', %(task_content_type)s, id,
        left('#' || id || ' ' || task_type, 200), '{Status.PENDING}', '{Status.PROCESSING}',
        'worker ' || %(worker_label)s || ', attempt ' || attempts, '{{}}'::jsonb
    FROM {_DEALT}
    UNION ALL
    SELECT {TRAIL_ACTOR}, 'project.status', %(project_content_type)s, id, left(name, 200),
        '{Project.Status.PENDING}', '{Project.Status.PROCESSING}', %(started_reason)s,
        '{{}}'::jsonb
    FROM started
)
SELECT {columns(Task, "claimed")}, gate.plain,
    ARRAY(
        SELECT depends_on_id FROM {dependencies} WHERE task_id = claimed.id
        ORDER BY depends_on_id
    ) AS dependency_id_list,
    (SELECT coalesce(json_agg(d.task_output ORDER BY l.depends_on_id), '[]')::text
     FROM {dependencies} l JOIN {tasks} d ON d.id = l.depends_on_id
     WHERE l.task_id = claimed.id) AS dependency_output_list,
    ({_configs()})::text AS config_list
FROM gate LEFT JOIN claimed ON true
ORDER BY claimed.position""",
    )


def _turn(types: int) -> str:
    """The claim's turn in the rotation shared by every host (`tasks.rotation`), drawn once
    inside the statement; a claim of one type deals no turns. (`%%`: psycopg's `%`.)"""
    if types == 1:
        return ""
    return f", turn AS (SELECT nextval('{SEQUENCE}') %% {types} AS start)"


def _place_in_turn(types: int) -> str:
    """A candidate's type's place in this claim's turn, as `rotation.in_turn` orders them
    (`types` sorted, starting at the turn's)."""
    if types == 1:
        return "0"
    place = "array_position(%(types)s::text[], task_type::text) - 1"
    return f"({place} - (SELECT start FROM turn) + {types}) %% {types}"


# The claimed tasks in the order dealt: their attempts and trail entries are numbered so.
_DEALT = "(SELECT * FROM claimed ORDER BY position) claimed"


# A config's columns as the claim reads them, in order, named as `merged_config` takes them.
_CONFIG_COLUMNS = {
    "config_id": "c.id",
    "config_name": "c.config_name",
    "config_type": "c.config_type",
    "worker_type": "c.worker_type",
    "priority": "c.priority",
    "config_data": "c.config_data",
    "override_data": "l.override_data",
}


def _configs() -> str:
    """A claimed task's active configs, as `task_configs.tasks_merged_configs` reads them
    (each a JSON array of `_CONFIG_COLUMNS`: shorter than objects, in a statement whose
    length counts)."""
    return f"""SELECT json_agg(json_build_array({", ".join(_CONFIG_COLUMNS.values())})
        ORDER BY c.priority DESC, c.id)
    FROM {table(TaskConfig)} l JOIN {table(WorkerConfig)} c ON c.id = l.config_id
    WHERE l.task_id = claimed.id AND c.is_active"""
