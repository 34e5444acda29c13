"""A worker's completion in one statement on PostgreSQL: the report's hot path.

`lifecycle.move` is the one transition function, general and set-based; a completion through
it costs a statement per kind of write, each compiled by the ORM at every request. A worker
reporting `completed` under its lease — nearly every report there is — is one fixed case of
it, written here once as a data-modifying CTE that locks the tasks and their dependents (by
id, as `locks.lock_tasks` does), completes the tasks, closes their attempts, counts them off
their dependents (promoting those left with nothing to wait for, as `promotion` does),
moves their projects' counters and derived status (`progress`, the same compiled rule), and
records the trail. The SQL is assembled once per process.

All or nothing: unless every task is live, processing and held under this lease by this
actor, and none of them depends on another, the statement changes nothing and `complete`
answers None; the caller then goes the general way (`move`), in the same transaction, which
answers the 404, the refused lease or the repeated report as before.

It never waits for another transaction's lock on a task (SKIP LOCKED; a row it could not
lock fails the gate): all of one statement reads one snapshot, taken before any wait, so a
dependent created meanwhile by the transaction it waited for (a new task naming this one
as its dependency, which holds it locked until it commits) would go uncounted and wait for
good. The general path waits instead, and its later statements see what the wait let
commit. Parity with `move` is
tested (tasks/tests/test_completion_statement.py): same rows, attempts, counters, statuses
and trail. One difference, in the trail only: an old `task_output` longer than the trail
keeps is measured as PostgreSQL writes the JSON, not as Python does.
"""

import functools

from django.db import connection
from django.db.models import F, IntegerField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.models import AuditEntry
from core.roles import Role
from core.sql_statement import Statement, columns, table
from projects.models import Project
from tasks.models import Task, TaskAttempt, TaskDependency
from tasks.services.progress import derived_status, progress_update_sql
from tasks.services.records import TRAIL_ACTOR, TRAIL_COLUMNS, trail_values

Status = Task.Status
# What a completion may carry beside its status to be taken here.
REPORTED_FIELDS = frozenset({"task_output"})
PROJECT_STATUS_REASON = "derived from its tasks"


def applies(*, actor: Actor, status: str | None, lease_token: str | None, changes: dict) -> bool:
    """A worker's completion under its lease, with nothing else to change than the output."""
    return (
        connection.vendor == "postgresql"
        and status == Status.COMPLETED
        and actor.role == Role.WORKER
        and lease_token is not None
        and set(changes) <= REPORTED_FIELDS
    )


def complete_if_it_applies(
    task_ids: list[int], *, actor: Actor, status: str | None, lease_token: str | None, changes
) -> list[Task] | None:
    """The report's tasks completed in one statement; None, having changed nothing, when the
    report is not this case or the statement does not apply to all of them."""
    if not applies(actor=actor, status=status, lease_token=lease_token, changes=changes):
        return None
    return complete(task_ids, actor=actor, lease_token=lease_token, changes=changes)


def complete(
    task_ids: list[int], *, actor: Actor, lease_token: str, changes: dict
) -> list[Task] | None:
    """Complete these tasks (by id order) in one statement; None, having changed nothing,
    when the statement does not apply to all of them (see the module docstring)."""
    now = timezone.now()
    output_field = Task._meta.get_field("task_output")
    output = changes.get("task_output")
    ids = list(dict.fromkeys(task_ids))
    if not ids:
        return None
    values = {
        "id": ids[0],
        "ids": ids,
        "n": len(ids),
        "lease_token": lease_token,
        "holder": actor.user_id,
        "now": now,
        "output": output_field.get_db_prep_save(output, connection),
        "output_shown": output_field.get_db_prep_save(audit.shown(output), connection),
        **trail_values(actor),
    }
    statement = _statement(with_output="task_output" in changes, single=len(ids) == 1)
    tasks = statement.instances(Task, values)
    for task in tasks:
        task.dependency_ids = task.dependency_id_list
    return tasks or None


# The attempts are joined, not filtered with IN (…): the plan then walks the index of open
# attempts from each task. `moved` waits for `promoted`: rows are locked tasks first, then
# projects, everywhere. (No comments in the SQL: it is sent on one line.)
@functools.cache
def _statement(*, with_output: bool, single: bool) -> Statement:
    tasks = table(Task)
    dependencies = table(TaskDependency)
    output = ", task_output = %(output)s::jsonb" if with_output else ""
    among, targets, gate = _targets(single)
    return Statement.of(
        f"""WITH locked AS (
    SELECT t.id, t.task_output AS old_output, t.id {among} AS target
    FROM {tasks} t
    WHERE t.id IN (
        {targets} UNION SELECT task_id FROM {dependencies} WHERE depends_on_id {among}
    ) AND (NOT t.id {among} OR (
        t.deleted_at IS NULL AND t.status = '{Status.PROCESSING}'
        AND t.lease_token = %(lease_token)s AND t.lease_holder_id = %(holder)s
    ))
    ORDER BY t.id FOR NO KEY UPDATE SKIP LOCKED
), gate AS (
    SELECT {gate} AS ok FROM locked
), done AS (
    UPDATE {tasks} t SET status = '{Status.COMPLETED}', completed_at = %(now)s,
        lease_expires_at = NULL, updated_at = %(now)s{output}
    FROM locked WHERE t.id = locked.id AND locked.target AND (SELECT ok FROM gate)
    RETURNING t.*, locked.old_output
), attempt AS (
    UPDATE {table(TaskAttempt)} a
    SET outcome = '{TaskAttempt.Outcome.COMPLETED}', finished_at = %(now)s, error_message = NULL
    FROM done WHERE a.task_id = done.id AND a.finished_at IS NULL
), links AS (
    SELECT l.task_id, count(*) AS n FROM {dependencies} l JOIN done ON l.depends_on_id = done.id
    GROUP BY l.task_id
), promoted AS (
    UPDATE {tasks} t SET unfinished_dependencies = t.unfinished_dependencies - links.n,
        status = CASE WHEN {_PROMOTES} THEN '{Status.PENDING}' ELSE t.status END,
        available_at = CASE WHEN {_PROMOTES} THEN %(now)s ELSE t.available_at END,
        updated_at = CASE WHEN {_PROMOTES} THEN %(now)s ELSE t.updated_at END
    FROM links WHERE t.id = links.task_id
    RETURNING t.id
), moved AS (
    SELECT project_id, count(*) AS n FROM done
    WHERE (SELECT count(*) FROM promoted) >= 0 GROUP BY project_id
), progress (id, name, old_status, new_status) AS (
""",
        _progress(),
        f"""
), trail AS (
    INSERT INTO {table(AuditEntry)} ({TRAIL_COLUMNS})
    SELECT {TRAIL_ACTOR}, 'task.report', %(task_content_type)s, id,
        left('#' || id || ' ' || task_type, 200), '{Status.PROCESSING}', '{Status.COMPLETED}',
        '', {_output_change() if with_output else "'{}'::jsonb"}
    FROM (SELECT * FROM done ORDER BY id) done
    UNION ALL
    SELECT {TRAIL_ACTOR}, 'project.status', %(project_content_type)s, id, left(name, 200),
        old_status, new_status, '{PROJECT_STATUS_REASON}', '{{}}'::jsonb
    FROM progress WHERE old_status <> new_status
)
SELECT {columns(Task, "done")}, ARRAY(
    SELECT depends_on_id FROM {dependencies} WHERE task_id = done.id ORDER BY depends_on_id
) AS dependency_id_list
FROM done ORDER BY done.id""",
    )


def _targets(single: bool) -> tuple[str, str, str]:
    """How the statement names its tasks: the condition "among them" on an id, the ids as
    rows, and the gate's test: every task and every dependent locked (none held by another
    transaction) and, for a batch, none of the tasks depending on another."""
    if single:  # the hot case, shorter: one task cannot depend on itself
        among = "= %(id)s"
        found = f"count(*) FILTER (WHERE target) = 1 AND {_all_dependents(among)}"
        return among, "SELECT %(id)s::bigint", found
    among = "= ANY(%(ids)s::bigint[])"
    gate = (
        f"count(*) FILTER (WHERE target) = %(n)s AND {_all_dependents(among)}"
        f" AND NOT EXISTS (SELECT 1 FROM {table(TaskDependency)} WHERE task_id {among}"
        f" AND depends_on_id {among})"
    )
    return among, "SELECT unnest(%(ids)s::bigint[])", gate


def _all_dependents(among: str) -> str:
    """Every dependent locked: a row another transaction held was skipped (SKIP LOCKED)."""
    return (
        "count(*) FILTER (WHERE NOT target) = (SELECT count(DISTINCT task_id) FROM"
        f" {table(TaskDependency)} WHERE depends_on_id {among})"
    )


# A waiting dependent whose last unfinished dependency completes (the count, before this
# statement's subtraction, equals the completions it counts off).
_PROMOTES = f"t.status = '{Status.WAITING}' AND t.unfinished_dependencies = links.n"


def _progress() -> Statement:
    """`progress.move_progress` for completions: counters and derived status, one rule."""
    projects_table = table(Project)
    completions = RawSQL(
        f"(SELECT n FROM moved WHERE moved.project_id = {projects_table}.id)", (), IntegerField()
    )
    moves = {"completed_tasks": F("completed_tasks") + completions}
    status = derived_status(
        total_tasks=F("total_tasks"),
        completed_tasks=moves["completed_tasks"],
        failed_tasks=F("failed_tasks"),
    )
    projects = Project.all_objects.filter(id__in=RawSQL("SELECT project_id FROM moved", ()))
    sql, params = progress_update_sql(projects.order_by("id"), moves, status)
    # Its first parameter is updated_at: this statement's own `now`.
    head, tail = sql.split("%s", 1)
    return Statement.of((head, ()), "%(now)s", (tail, params))


def _output_change() -> str:
    """The trail's `changes` of the output, as `audit.changes_between` writes them."""
    text = "done.old_output::text"
    old = (
        f"CASE WHEN length({text}) > {audit.MAX_VALUE_CHARS}"
        f" THEN to_jsonb('(' || length({text}) || ' characters, not recorded)')"
        " ELSE done.old_output END"
    )
    return (
        "CASE WHEN done.old_output IS DISTINCT FROM %(output)s::jsonb THEN jsonb_build_object("
        f"'task_output', jsonb_build_array({old}, %(output_shown)s::jsonb)) ELSE '{{}}'::jsonb END"
    )
