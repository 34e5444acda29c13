"""What the tasks' tests share: a worker's Actor, the claim and report requests, and a
worker's step through the services."""

from core.actors import Actor
from core.models import ApiClient
from core.roles import Role
from core.services import api_client_create, api_client_set_role


def worker_actor(name: str = "test-worker") -> Actor:
    """The Actor of the worker-role API client NAME (created when missing), for service calls:
    its claims' leases are held by the client's user, as when it claims through the API."""
    client = ApiClient.objects.filter(user__username=name).first()
    if client is None:
        client, _ = api_client_create(name=name, role=Role.WORKER)
    elif client.role != Role.WORKER:
        api_client_set_role(client=client, role=Role.WORKER)
    return Actor(role=Role.WORKER, name=name, user_id=client.user_id)


def complete_next(actor: Actor, task_type: str, *, lease_seconds: int, output: dict):
    """One step of a worker, through the services the API calls: claim one task of the type
    as POST /api/tasks/claim does (on PostgreSQL one statement, the prepared one) and report
    it completed as PATCH /api/tasks/{id} does. The task, or None when none was ready;
    ApplicationError when its lease was taken over before the report (the new holder
    reports)."""
    from tasks.services import task_update, tasks_claim_with_payloads

    claimed, _ = tasks_claim_with_payloads(
        actor=actor, task_types=[task_type], lease_seconds=lease_seconds
    )
    if not claimed:
        return None
    [task] = claimed
    task_update(
        task_id=task.id,
        actor=actor,
        status="completed",
        task_output=output,
        lease_token=task.lease_token,
    )
    return task


def claim(worker_api, *task_types, **extra):
    body = {"task_types": list(task_types), **extra}
    return worker_api.post("/api/tasks/claim", body, format="json")


def patch(api, task_id, **body):
    return api.patch(f"/api/tasks/{task_id}", body, format="json")


def report(client, claimed, **body):
    """PATCH a claimed task (a dict of the claim's answer) under the claim's lease_token."""
    return patch(client, claimed["id"], lease_token=claimed["lease_token"], **body)


def dependency_counts_wrong() -> list[tuple[int, int, int]]:
    """(task id, its count, the true count) of every task whose `unfinished_dependencies`
    disagrees with its edges: empty while the graph's bookkeeping holds."""
    from django.db.models import Count, F, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from tasks.models import Task, TaskDependency

    unfinished = (
        TaskDependency.objects.filter(task_id=OuterRef("pk"))
        .exclude(depends_on__status=Task.Status.COMPLETED)
        .order_by()
        .values("task_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    counts = Task.all_objects.annotate(true_count=Coalesce(Subquery(unfinished), 0))
    wrong = counts.exclude(unfinished_dependencies=F("true_count"))
    return list(wrong.values_list("id", "unfinished_dependencies", "true_count"))


def other_connections() -> list[tuple]:
    """The other connections to the (PostgreSQL) test database, by pid, as the server sees
    them: (pid, application_name, when its last statement started)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, query_start FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY pid"
        )
        return cursor.fetchall()
