"""Reads of tasks: their types, the queue's statistics, what "ready" means, and what a worker
needs beside a claimed task."""

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from django.db.models import Case, Count, F, Min, Q, When
from django.utils import timezone

from accounts.crypto import CredentialsDecryptionError, decrypt_credentials
from accounts.models import PlatformAccount, utc_today
from core.exceptions import ApplicationError
from tasks.models import Task, TaskDependency
from tasks.task_configs import tasks_merged_configs

Status = Task.Status
logger = logging.getLogger(__name__)


def task_types() -> list[str]:
    """Every task type of live tasks, sorted."""
    return list(Task.objects.order_by("task_type").values_list("task_type", flat=True).distinct())


def ready_condition(now) -> Q:
    """Ready to claim (see `tasks.services.claims`), as /api/tasks/stats and the console
    count it."""
    return Q(status=Status.PENDING, available_at__lte=now) | Q(
        status=Status.PROCESSING, lease_expires_at__lte=now
    )


def next_time_ready(task_types: Sequence[str]) -> datetime:
    """The next moment a task of these types becomes ready with time alone: a pending task's
    `available_at` (a retry's backoff) or a held task's lease running out, or the next
    midnight UTC, when the accounts' daily quotas start again (a task waiting for quota may
    then be claimed). Only moments to come: a task that is ready already and was not
    claimed (no quota left) would otherwise wake its waiting claims again and again. One
    query, on the rows of those types that are pending or held."""
    now = timezone.now()
    found = Task.objects.filter(
        task_type__in=task_types, status__in=[Status.PENDING, Status.PROCESSING]
    ).aggregate(
        backoff=Min("available_at", filter=Q(status=Status.PENDING, available_at__gt=now)),
        lease=Min("lease_expires_at", filter=Q(status=Status.PROCESSING, lease_expires_at__gt=now)),
    )
    midnight = datetime.combine(utc_today() + timedelta(days=1), time.min, tzinfo=UTC)
    return min(moment for moment in (*found.values(), midnight) if moment is not None)


def task_stats() -> list[dict]:
    """Counts by type and status, ready count and the age of the oldest ready task per type."""
    now = timezone.now()
    rows: dict[str, dict] = {}

    def row(task_type):
        return rows.setdefault(
            task_type,
            {
                "task_type": task_type,
                "counts": dict.fromkeys(Status.values, 0),
                "ready": 0,
                "oldest_ready_age_seconds": None,
            },
        )

    # COUNT(*), not COUNT(id): the index on (task_type, status) of live tasks answers alone.
    counts = Task.objects.order_by().values("task_type", "status").annotate(n=Count("*"))
    for item in counts:
        row(item["task_type"])["counts"][item["status"]] = item["n"]
    ready = (
        Task.objects.filter(ready_condition(now))
        .order_by()
        .values("task_type")
        .annotate(
            n=Count("id"),
            oldest=Min(
                Case(
                    When(status=Status.PROCESSING, then=F("lease_expires_at")),
                    default=F("available_at"),
                )
            ),
        )
    )
    for item in ready:
        entry = row(item["task_type"])
        entry["ready"] = item["n"]
        age = (now - item["oldest"]).total_seconds()
        entry["oldest_ready_age_seconds"] = round(max(0.0, age), 3)
    return [rows[t] for t in sorted(rows)]


def claim_payloads(tasks: list[Task]) -> dict[int, dict]:
    """What a worker needs beside the task, for all claimed tasks in a constant number of
    queries: its dependencies' outputs, its merged worker configs, its account's credentials.
    """
    ids = [t.id for t in tasks]
    outputs: dict[int, dict] = defaultdict(dict)
    edges = TaskDependency.objects.filter(task_id__in=ids).order_by("task_id", "depends_on_id")
    for task_id, dep_id, output in edges.values_list(
        "task_id", "depends_on_id", "depends_on__task_output"
    ):
        outputs[task_id][str(dep_id)] = output
    configs = tasks_merged_configs(ids)
    account_ids = {t.platform_account_id for t in tasks if t.platform_account_id}
    secrets_by_account = {}
    for account_id, token in PlatformAccount.all_objects.filter(id__in=account_ids).values_list(
        "id", "credentials_encrypted"
    ):
        try:
            secrets_by_account[account_id] = decrypt_credentials(token)
        except CredentialsDecryptionError:
            logger.error("Claim refused: credentials of platform account %s", account_id)
            raise ApplicationError(
                f"The credentials of platform account {account_id} cannot be decrypted with "
                "the configured keys (SHORTSGEN_CREDENTIALS_KEY); the claim was undone.",
                status_code=503,
            ) from None
    return {
        t.id: {
            "dependencies": [int(dep_id) for dep_id in outputs.get(t.id, {})],
            "dependency_outputs": outputs.get(t.id, {}),
            "configs": configs[t.id],
            "credentials": secrets_by_account.get(t.platform_account_id),
        }
        for t in tasks
    }
