"""What the tasks' tests share: a worker's Actor, and the claim and report requests."""

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
