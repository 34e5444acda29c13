"""Every change to tasks, one module per sub-domain:

- `creation`: new tasks and whole graphs (`TaskSpec`, `tasks_create`);
- `graph`: a project's graph as a whole: dependencies, deleting a task, starting over, recount;
- `lifecycle`: the one place every status change goes through (`move`), with what follows
  from it (timestamps, leases, attempts, promotion, the project's counters and status);
- `claims`: handing ready tasks to workers (candidates, fair dealing, account binding);
- `leases`: who may act on a claimed task, heartbeats, releases, expired leases;
- `reports`: reports and edits on one task or many;
- `progress` and `records`: the project's counters and derived status; attempts and the
  audit trail.

Reads live in `tasks.selectors`. Each public function runs in one transaction and leaves
the DAG invariant (a waiting task never has all its dependencies completed, a pending one
has them all), the project's counters and its derived status exact when it returns.
"""

from tasks.services.claims import tasks_claim, tasks_claim_with_payloads
from tasks.services.creation import TaskSpec, tasks_create
from tasks.services.graph import (
    project_recount_tasks,
    project_tasks_delete,
    project_tasks_restore,
    replace_dependencies,
    task_delete,
    tasks_requeue_project,
)
from tasks.services.leases import task_heartbeat, task_release, tasks_reclaim_expired
from tasks.services.reports import (
    task_fail,
    task_update,
    task_update_by_commit_id,
    tasks_update_by_commit_ids,
)

__all__ = [
    "TaskSpec",
    "project_recount_tasks",
    "project_tasks_delete",
    "project_tasks_restore",
    "replace_dependencies",
    "task_delete",
    "task_fail",
    "task_heartbeat",
    "task_release",
    "task_update",
    "task_update_by_commit_id",
    "tasks_claim",
    "tasks_claim_with_payloads",
    "tasks_create",
    "tasks_reclaim_expired",
    "tasks_requeue_project",
    "tasks_update_by_commit_ids",
]
