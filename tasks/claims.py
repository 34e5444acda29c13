"""The worker protocol: claims with leases and quotas, heartbeats, releases, expired leases.

A task is *ready* when it is pending and `available_at` has come, or processing with a lease
that ran out (its worker crashed). The claim itself picks up the second kind, so nothing
needs a cron job; `tasks_reclaim_expired` does the same eagerly for those who want it.

Fairness between task types (a claim listing several): the claim looks at the best ready
tasks of each listed type (one index scan per type), serves the highest priority first, and
between types tied on priority deals round-robin, starting each claim at the next type of a
rotation kept per process. A flood of one type therefore gets at most its share of the
claims, never all of them.
"""

import itertools
import logging
import secrets
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, Min, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.crypto import CredentialsDecryptionError, decrypt_credentials
from accounts.models import PlatformAccount, utc_today
from core import audit
from core.actors import Actor
from core.exceptions import ApplicationError
from projects.models import Project
from tasks.attempts import LEASE_EXPIRED_MESSAGE, attempts_close, attempts_open
from tasks.bookkeeping import (
    _apply_counter_deltas,
    check_lease,
    sync_project_statuses,
    task_entry,
)
from tasks.models import Task, TaskAttempt, TaskDependency
from tasks.task_configs import tasks_merged_configs

Status = Task.Status
logger = logging.getLogger(__name__)

# Where the next multi-type claim of this process starts dealing (see the module docstring).
_rotation = itertools.count()


def lease_deadline(now, lease_seconds: int | None):
    return now + timedelta(seconds=lease_seconds or settings.TASK_DEFAULT_LEASE_SECONDS)


def _claim_candidates(
    *, types: list[str], max_tasks: int, platforms: Sequence[str] | None, now
) -> list[Task]:
    """Lock and read the best ready tasks of each type, and expired leases, in one query.

    One arm per type, so each walks the partial index `tasks_task_claim_pending` in priority
    order and stops after `max_tasks` rows (an IN over the types would have to sort every
    ready row); one arm for leases that ran out (`tasks_task_claim_expired`). FOR UPDATE SKIP
    LOCKED in each arm: concurrent claimers pass over the rows another claim holds instead of
    waiting for them, so no task goes to two workers and no worker queues behind another.
    SQLite has no row locks; its IMMEDIATE transactions serialise claims instead.

    Quotas are filtered here too (subqueries on the small accounts table), so tasks of a
    platform with no quota left are passed over and block nothing; the allocation under the
    accounts' lock in `_bind_accounts` has the last word.
    """
    skip_locked = connection.features.has_select_for_update_skip_locked
    lock = " FOR UPDATE SKIP LOCKED" if skip_locked else ""
    table = connection.ops.quote_name(Task._meta.db_table)
    accounts = connection.ops.quote_name(PlatformAccount._meta.db_table)
    available = (
        f"SELECT a.{{col}} FROM {accounts} a WHERE a.status = %s AND a.deleted_at IS NULL"
        " AND a.daily_limit > CASE WHEN a.usage_date = %s THEN a.used_today ELSE 0 END"
    )
    available_params = [
        PlatformAccount.Status.ACTIVE,
        connection.ops.adapt_datefield_value(utc_today()),
    ]
    if platforms is not None:
        available += f" AND a.platform IN ({', '.join(['%s'] * len(platforms))})"
        available_params += list(platforms)
    # A task that needs a platform waits until an account of it has quota: without one, a
    # worker could not run it anyway (it would get no credentials).
    quota_terms = [
        f"platform_account_id IN ({available.format(col='id')})",
        f"(platform_account_id IS NULL AND platform IN ({available.format(col='platform')}))",
    ]
    quota_params = available_params * 2
    if platforms is None:
        quota_terms.insert(0, "(platform_account_id IS NULL AND platform IS NULL)")
    else:
        placeholders = ", ".join(["%s"] * len(platforms))
        quota_terms[1] = f"({quota_terms[1]} AND platform IN ({placeholders}))"
        quota_params = [*available_params, *available_params, *platforms]
    quota = "(" + " OR ".join(quota_terms) + ")"

    at = connection.ops.adapt_datetimefield_value(now)
    arms, params = [], []
    for index, task_type in enumerate(types):
        arms.append(
            f"c{index} AS (SELECT * FROM {table} WHERE status = %s AND deleted_at IS NULL"
            f" AND task_type = %s AND available_at <= %s AND {quota}"
            f" ORDER BY priority DESC, id LIMIT %s{lock})"
        )
        params += [Status.PENDING, task_type, at, *quota_params, max_tasks]
    arms.append(
        f"expired AS (SELECT * FROM {table} WHERE status = %s AND deleted_at IS NULL"
        f" AND lease_expires_at <= %s AND task_type IN ({', '.join(['%s'] * len(types))})"
        f" AND {quota} ORDER BY lease_expires_at, id LIMIT %s{lock})"
    )
    params += [Status.PROCESSING, at, *types, *quota_params, max_tasks]
    union = " UNION ALL ".join(f"SELECT * FROM c{i}" for i in range(len(types)))
    sql = f"WITH {', '.join(arms)} {union} UNION ALL SELECT * FROM expired"
    return list(Task.objects.raw(sql, params))


# No savepoint when nested (in tasks_claim_with_payloads): a failure undoes the whole claim.
@transaction.atomic(savepoint=False)
def tasks_claim(
    *,
    actor: Actor,
    task_types: Sequence[str],
    max_tasks: int = 1,
    worker_id: str | None = None,
    lease_seconds: int | None = None,
    platforms: Sequence[str] | None = None,
) -> list[Task]:
    """Hand up to `max_tasks` ready tasks of these types to one worker, under one lease.

    The lease is held by the actor's client (its reports are checked against it);
    `worker_id` is a label for people, the client's name when not given.
    """
    now = timezone.now()
    worker_id = worker_id or actor.name or None
    types = sorted(set(task_types))
    rows = _claim_candidates(types=types, max_tasks=max_tasks, platforms=platforms, now=now)
    expired, entries = _fail_exhausted([t for t in rows if t.status == Status.PROCESSING], now)
    candidates: dict[str, list[Task]] = {t: [] for t in types}
    for task in [t for t in rows if t.status == Status.PENDING] + expired:
        candidates[task.task_type].append(task)
    for queue in candidates.values():
        queue.sort(key=lambda t: (-t.priority, t.id))

    picked = _deal(candidates, types, max_tasks)
    picked = _bind_accounts(picked, now)
    if not picked:
        audit.record_many(entries)
        return []

    # Leases taken over from silent workers end here (before the UPDATE replaces them).
    attempts_close(
        [t.id for t in picked if t.status == Status.PROCESSING],
        outcome=TaskAttempt.Outcome.LEASE_EXPIRED,
        now=now,
        error_message=LEASE_EXPIRED_MESSAGE,
        at_lease_expiry=True,
    )
    token = secrets.token_hex(16)
    deadline = lease_deadline(now, lease_seconds)
    bindings = {t.id: t.platform_account_id for t in picked if t.platform_account_id}
    account_update = {}
    if bindings:
        account_update["platform_account_id"] = Case(
            *[When(id=task_id, then=Value(acc)) for task_id, acc in bindings.items()],
            default=F("platform_account_id"),
            output_field=Task._meta.get_field("platform_account").target_field,
        )
    Task.objects.filter(id__in=[t.id for t in picked]).update(
        status=Status.PROCESSING,
        started_at=now,
        attempts=F("attempts") + 1,
        worker_id=worker_id,
        lease_token=token,
        lease_holder_id=actor.user_id,
        lease_expires_at=deadline,
        updated_at=now,
        **account_update,
    )
    started = _start_projects({t.project_id for t in picked}, now)
    for task in picked:
        entries.append(
            task_entry(
                task,
                "task.claim",
                task.status,
                Status.PROCESSING,
                reason=_claim_reason(task, worker_id),
                actor=actor,
            )
        )
    # One INSERT for the whole claim, whatever its size (the hot path stays one query more).
    audit.record_many(entries + started)
    for task in picked:  # what the UPDATE wrote, without reading the rows again
        task.status = Status.PROCESSING
        task.started_at = task.updated_at = now
        task.attempts += 1
        task.worker_id, task.lease_token, task.lease_expires_at = worker_id, token, deadline
        task.lease_holder_id = actor.user_id
    attempts_open(picked, now=now)
    return picked


def _start_projects(project_ids: set[int], now) -> list:
    """The first claim starts the project: a conditional UPDATE, so racing claims agree; it
    returns the projects it started (RETURNING, so the trail costs no extra query)."""
    table = connection.ops.quote_name(Project._meta.db_table)
    ids = sorted(project_ids)
    sql = (
        f"UPDATE {table} SET status = %s, updated_at = %s"
        f" WHERE id IN ({', '.join(['%s'] * len(ids))}) AND status = %s"
        " AND deleted_at IS NULL RETURNING id, name"
    )
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Project.Status.PROCESSING, at, *ids, Project.Status.PENDING])
        rows = cursor.fetchall()
    return [
        audit.entry(
            action="project.status",
            target_model=Project,
            target_id=project_id,
            target_repr=name,
            from_status=Project.Status.PENDING,
            to_status=Project.Status.PROCESSING,
            reason="derived from its tasks: the first one was claimed",
        )
        for project_id, name in rows
    ]


def _claim_reason(task: Task, worker_id: str | None) -> str:
    reason = f"worker {worker_id or '(unnamed)'}, attempt {task.attempts + 1}"
    if task.status == Status.PROCESSING:
        return f"{reason}; the previous lease ({task.worker_id or 'unnamed'}) had expired"
    return reason


@transaction.atomic
def tasks_claim_with_payloads(**claim) -> tuple[list[Task], dict[int, dict]]:
    """A claim and what its worker needs (`claim_payloads`), in one transaction: when the
    payload cannot be built (credentials that no configured key decrypts), the claim is
    rolled back — no lease, no attempt, no quota spent."""
    tasks = tasks_claim(**claim)
    return tasks, claim_payloads(tasks) if tasks else {}


def _deal(candidates: dict[str, list[Task]], types: list[str], max_tasks: int) -> list[Task]:
    """Take the highest priority first; between types tied on it, round-robin (fairness)."""
    start = next(_rotation) % len(types) if types else 0
    order = types[start:] + types[:start]
    heads = {t: 0 for t in order}
    picked: list[Task] = []
    while len(picked) < max_tasks:
        live = [t for t in order if heads[t] < len(candidates[t])]
        if not live:
            break
        best = max(candidates[t][heads[t]].priority for t in live)
        for task_type in live:
            if len(picked) == max_tasks:
                break
            task = candidates[task_type][heads[task_type]]
            if task.priority == best:
                picked.append(task)
                heads[task_type] += 1
    return picked


def _fail_exhausted(expired: list[Task], now) -> tuple[list[Task], list]:
    """Expired leases on the last attempt fail for good (a task that keeps crashing its
    workers runs out of attempts); the others are returned to be claimed again, with the
    audit entries of the failures (unsaved)."""
    exhausted = [t for t in expired if t.attempts >= t.max_attempts]
    entries = _fail_for_good(exhausted, now) if exhausted else []
    return [t for t in expired if t.attempts < t.max_attempts], entries


LEASE_EXPIRED_FOR_GOOD = "Lease expired on the last attempt; the worker did not report."


def _fail_for_good(tasks: list[Task], now) -> list:
    attempts_close(
        [t.id for t in tasks],
        outcome=TaskAttempt.Outcome.LEASE_EXPIRED,
        now=now,
        error_message=LEASE_EXPIRED_MESSAGE,
        at_lease_expiry=True,
    )
    # worker_id stays: the last worker is what an operator looks for on a failed task.
    Task.objects.filter(id__in=[t.id for t in tasks]).update(
        status=Status.FAILED,
        error_message=Value(LEASE_EXPIRED_FOR_GOOD),
        lease_expires_at=None,
        updated_at=now,
    )
    deltas: dict[int, Counter] = defaultdict(Counter)
    for task in tasks:
        deltas[task.project_id]["failed_tasks"] += 1
    _apply_counter_deltas(deltas)
    entries = [
        task_entry(
            task,
            "task.lease_expired",
            Status.PROCESSING,
            Status.FAILED,
            reason=f"{LEASE_EXPIRED_FOR_GOOD} (worker {task.worker_id or 'unnamed'})",
        )
        for task in tasks
    ]
    return entries + sync_project_statuses(deltas.keys())


def _bind_accounts(picked: list[Task], now) -> list[Task]:
    """Give each picked task that needs a platform an account with quota, and count the use.

    The account rows are locked (in id order, so two claims cannot deadlock) and their usage
    re-read under the lock: two claims that both saw one use left cannot both take it, so
    `used_today` never passes `daily_limit`. Tasks left without quota are not handed out;
    they stay pending for a later claim and block nothing else.
    """
    needing = [t for t in picked if t.platform_account_id or t.platform]
    if not needing:
        return picked
    today = utc_today()
    bound_ids = {t.platform_account_id for t in needing if t.platform_account_id}
    wanted_platforms = {t.platform for t in needing if not t.platform_account_id}
    accounts = list(
        PlatformAccount.objects.filter(Q(id__in=bound_ids) | Q(platform__in=wanted_platforms))
        .order_by("id")
        .select_for_update()
    )
    left = {
        a.id: max(0, a.daily_limit - (a.used_today if a.usage_date == today else 0))
        if a.status == PlatformAccount.Status.ACTIVE
        else 0
        for a in accounts
    }
    by_platform = defaultdict(list)
    for account in accounts:
        by_platform[account.platform].append(account.id)
    used: Counter = Counter()
    kept = []
    for task in picked:
        if task.platform_account_id:
            account_id = task.platform_account_id if left.get(task.platform_account_id) else None
        elif task.platform:
            choices = [a for a in by_platform.get(task.platform, []) if left[a] > 0]
            # The most remaining quota first, as `available/{platform}` orders them.
            account_id = max(choices, key=lambda a: (left[a], -a)) if choices else None
        else:
            kept.append(task)
            continue
        if account_id is None:
            continue
        left[account_id] -= 1
        used[account_id] += 1
        task.platform_account_id = account_id
        kept.append(task)
    if used:
        is_today = Q(usage_date=today)
        PlatformAccount.objects.filter(id__in=used).update(
            used_today=Case(
                *[
                    When(Q(id=account_id) & is_today, then=F("used_today") + n)
                    for account_id, n in used.items()
                ],
                *[When(id=account_id, then=Value(n)) for account_id, n in used.items()],
                output_field=PlatformAccount._meta.get_field("used_today"),
            ),
            usage_date=today,
            last_used_at=now,
            updated_at=now,
        )
    return kept


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


# --- leases ---------------------------------------------------------------------------------


def _lock_processing(task_id: int, action: str) -> Task:
    task = Task.objects.select_for_update().filter(id=task_id).first()
    if task is None:
        raise ApplicationError("Task not found", status_code=404)
    if task.status != Status.PROCESSING:
        raise ApplicationError(
            f"Cannot {action} task {task.id}: it is {task.status}, not processing."
        )
    return task


@transaction.atomic
def task_heartbeat(
    *,
    task_id: int,
    actor: Actor,
    lease_token: str | None = None,
    lease_seconds: int | None = None,
) -> Task:
    """Extend the lease of a processing task held by this worker."""
    task = _lock_processing(task_id, "heartbeat")
    now = timezone.now()
    check_lease(task, actor=actor, lease_token=lease_token, now=now)
    task.lease_expires_at = lease_deadline(now, lease_seconds)
    task.save(update_fields=["lease_expires_at", "updated_at"])
    return Task.objects.with_dependency_ids().get(id=task.id)


@transaction.atomic
def task_release(*, task_id: int, actor: Actor, lease_token: str | None = None) -> Task:
    """Give a claimed task back unrun: pending again at once, and the attempt not counted."""
    task = _lock_processing(task_id, "release")
    now = timezone.now()
    check_lease(task, actor=actor, lease_token=lease_token, now=now)
    released = task_entry(
        task,
        "task.release",
        Status.PROCESSING,
        Status.PENDING,
        reason=f"worker {task.worker_id or 'unnamed'}; the attempt is not counted",
        actor=actor,
    )
    requeued = _back_to_queue([task], now, outcome=TaskAttempt.Outcome.RELEASED)
    audit.record_many([released, *requeued])
    return Task.objects.with_dependency_ids().get(id=task.id)


def _back_to_queue(tasks: list[Task], now, *, outcome: str) -> list:
    """Pending again at once (a released attempt is not counted, an expired one is); returns
    the projects' status changes (unsaved entries)."""
    refund_attempt = outcome == TaskAttempt.Outcome.RELEASED
    expired = outcome == TaskAttempt.Outcome.LEASE_EXPIRED
    attempts_close(
        [t.id for t in tasks],
        outcome=outcome,
        now=now,
        error_message=LEASE_EXPIRED_MESSAGE if expired else None,
        at_lease_expiry=expired,
    )
    # worker_id stays (the last worker, for people), until the next claim names its own.
    Task.objects.filter(id__in=[t.id for t in tasks]).update(
        status=Status.PENDING,
        # Never below 0: a task put in processing by an edit, not a claim, counted no attempt.
        attempts=Greatest(F("attempts") - 1, 0) if refund_attempt else F("attempts"),
        lease_expires_at=None,
        started_at=None,
        available_at=now,
        updated_at=now,
    )
    return sync_project_statuses({t.project_id for t in tasks})


@transaction.atomic
def tasks_reclaim_expired(*, limit: int = 10_000) -> dict[str, int]:
    """Put tasks whose lease ran out back to pending, or fail them when out of attempts."""
    now = timezone.now()
    expired = list(
        Task.objects.filter(status=Status.PROCESSING, lease_expires_at__lte=now)
        .order_by("lease_expires_at", "id")
        .select_for_update(skip_locked=True)[:limit]
    )
    retry, entries = _fail_exhausted(expired, now)
    if retry:
        entries += [
            task_entry(
                task,
                "task.lease_expired",
                Status.PROCESSING,
                Status.PENDING,
                reason=f"Lease expired (worker {task.worker_id or 'unnamed'}); back to the queue.",
            )
            for task in retry
        ]
        entries += _back_to_queue(retry, now, outcome=TaskAttempt.Outcome.LEASE_EXPIRED)
    audit.record_many(entries)
    return {"requeued": len(retry), "failed": len(expired) - len(retry)}


# --- reading ----------------------------------------------------------------------------------


def task_types() -> list[str]:
    """Every task type of live tasks, sorted."""
    return list(Task.objects.order_by("task_type").values_list("task_type", flat=True).distinct())


def ready_condition(now) -> Q:
    """Ready to claim (see the module docstring), as /api/tasks/stats and the console count it."""
    return Q(status=Status.PENDING, available_at__lte=now) | Q(
        status=Status.PROCESSING, lease_expires_at__lte=now
    )


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
