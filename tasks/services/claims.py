"""The claim: ready tasks handed to a worker under one lease, bound to accounts with quota.

A task is *ready* when it is pending and `available_at` has come, or processing with a lease
that ran out (its worker crashed). The claim itself picks up the second kind, so nothing
needs a cron job (`leases.tasks_reclaim_expired` does it eagerly for those who want it).

Fairness between task types (a claim listing several): the claim looks at the best ready
tasks of each listed type (one index scan per type), serves the highest priority first, and
between types tied on priority deals round-robin, starting each claim at the type whose turn
it is in a rotation shared by every host (`tasks.rotation`). A flood of one type therefore
gets its share of the claims that list the others too, never all of them.
"""

import secrets
from collections import Counter, defaultdict
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from accounts.models import PlatformAccount, utc_today
from accounts.services import accounts_count_uses
from core import audit
from core.actors import Actor
from core.sql_statement import Statement, table
from projects.models import Project
from tasks.models import Task, TaskAttempt
from tasks.rotation import in_turn, next_turn
from tasks.selectors import claim_payloads
from tasks.services import claim_statement
from tasks.services.claim_statement import candidate_arms, candidate_values, candidates_union
from tasks.services.lifecycle import Cause, lease_deadline, move
from tasks.services.progress import start_projects
from tasks.services.records import (
    LEASE_EXPIRED_MESSAGE,
    attempts_close,
    attempts_open,
    task_entry,
)

Status = Task.Status
PENDING_PROJECT = Project.Status.PENDING


def _claim_candidates(
    *, types: list[str], max_tasks: int, platforms: Sequence[str] | None, now
) -> list[Task]:
    """Lock and read the best ready tasks of each type, and expired leases, in one query
    (`claim_statement.candidate_arms`), each with its project's status (`project_status`):
    only a pending project is started by the claim."""
    arms = candidate_arms(len(types), _platforms_key(platforms), utc_today(), max_tasks)
    projects = table(Project)
    statement = Statement.of(
        "WITH ",
        arms,
        f" SELECT u.*, (SELECT p.status FROM {projects} p WHERE p.id = u.project_id)"
        f" AS project_status FROM ({candidates_union(len(types))}) u",
    )
    values = candidate_values(types, now=now)
    return list(Task.objects.raw(statement.sql, statement.params(values)))


def _platforms_key(platforms: Sequence[str] | None) -> tuple[str, ...] | None:
    return None if platforms is None else tuple(sorted(set(platforms)))


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
    picked = _pick(sorted(set(task_types)), max_tasks, platforms, now)
    if not picked:
        return []
    # Leases taken over from silent workers end here (before the UPDATE replaces them).
    attempts_close(
        [t.id for t in picked if t.status == Status.PROCESSING],
        outcome=TaskAttempt.Outcome.LEASE_EXPIRED,
        now=now,
        error_message=LEASE_EXPIRED_MESSAGE,
        at_lease_expiry=True,
    )
    lease = {
        "status": Status.PROCESSING,
        "started_at": now,
        "worker_id": worker_id,
        "lease_token": secrets.token_hex(16),
        "lease_holder_id": actor.user_id,
        "lease_expires_at": lease_deadline(now, lease_seconds),
        "updated_at": now,
    }
    Task.objects.filter(id__in=[t.id for t in picked]).update(
        **lease, attempts=F("attempts") + 1, **_account_bindings(picked)
    )
    pending_projects = {t.project_id for t in picked if t.project_status == PENDING_PROJECT}
    entries = [
        task_entry(
            t,
            "task.claim",
            t.status,
            Status.PROCESSING,
            reason=_claim_reason(t, worker_id),
            actor=actor,
        )
        for t in picked
    ]
    # One INSERT for the whole claim, whatever its size (the hot path stays one query more).
    audit.record_many(entries + start_projects(pending_projects, now))
    for task in picked:  # what the UPDATE wrote, without reading the rows again
        for name, value in lease.items():
            setattr(task, name, value)
        task.attempts += 1
    attempts_open(picked, now=now)
    return picked


def _pick(types: list[str], max_tasks: int, platforms, now) -> list[Task]:
    """The ready tasks to hand out, best first, bound to accounts with quota; expired leases
    on their last attempt fail for good on the way (a task that keeps crashing its workers
    runs out of attempts)."""
    rows = _claim_candidates(types=types, max_tasks=max_tasks, platforms=platforms, now=now)
    expired = [t for t in rows if t.status == Status.PROCESSING]
    move([t for t in expired if t.attempts >= t.max_attempts], cause=Cause.LEASE_EXPIRED)
    candidates: dict[str, list[Task]] = {t: [] for t in types}
    for task in rows:
        if task.status == Status.PENDING or task.attempts < task.max_attempts:
            candidates[task.task_type].append(task)
    for queue in candidates.values():
        queue.sort(key=lambda t: (-t.priority, t.id))
    return _bind_accounts(_deal(candidates, types, max_tasks), now)


def _account_bindings(picked: list[Task]) -> dict:
    """The UPDATE's account column for tasks the claim bound to an account, if any."""
    bindings = {t.id: t.platform_account_id for t in picked if t.platform_account_id}
    if not bindings:
        return {}
    return {
        "platform_account_id": Case(
            *[When(id=task_id, then=Value(acc)) for task_id, acc in bindings.items()],
            default=F("platform_account_id"),
            output_field=Task._meta.get_field("platform_account").target_field,
        )
    }


def _claim_reason(task: Task, worker_id: str | None) -> str:
    reason = f"worker {worker_id or '(unnamed)'}, attempt {task.attempts + 1}"
    if task.status == Status.PROCESSING:
        return f"{reason}; the previous lease ({task.worker_id or 'unnamed'}) had expired"
    return reason


@transaction.atomic
def tasks_claim_with_payloads(**claim) -> tuple[list[Task], dict[int, dict]]:
    """A claim and what its worker needs (`claim_payloads`), in one transaction: when the
    payload cannot be built (credentials that no configured key decrypts), the claim is
    rolled back — no lease, no attempt, no quota spent. On PostgreSQL the plain case is one
    statement (`claim_statement.claim`)."""
    if connection.vendor == "postgresql":
        claimed = _claim_in_one_statement(**claim)
        if claimed is not None:
            return claimed
    tasks = tasks_claim(**claim)
    return tasks, claim_payloads(tasks) if tasks else {}


def _claim_in_one_statement(
    *,
    actor: Actor,
    task_types: Sequence[str],
    max_tasks: int = 1,
    worker_id: str | None = None,
    lease_seconds: int | None = None,
    platforms: Sequence[str] | None = None,
):
    now = timezone.now()
    return claim_statement.claim(
        actor=actor,
        types=sorted(set(task_types)),
        max_tasks=max_tasks,
        worker_id=worker_id or actor.name or None,
        lease_token=secrets.token_hex(16),
        lease_expires_at=lease_deadline(now, lease_seconds),
        platforms=_platforms_key(platforms),
        now=now,
        today=utc_today(),
    )


def _deal(candidates: dict[str, list[Task]], types: list[str], max_tasks: int) -> list[Task]:
    """Take the highest priority first; between types tied on it, round-robin (fairness)."""
    order = in_turn(types, next_turn()) if len(types) > 1 else types
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


def _bind_accounts(picked: list[Task], now) -> list[Task]:
    """Give each picked task that needs a platform an account with quota, and count the use.

    Tasks left without quota are not handed out; they stay pending for a later claim and
    block nothing else.
    """
    needing = [t for t in picked if t.platform_account_id or t.platform]
    if not needing:
        return picked
    left, by_platform = _lock_quotas(needing)
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
    accounts_count_uses(uses=used, now=now)
    return kept


def _lock_quotas(tasks: list[Task]) -> tuple[dict[int, int], dict[str, list[int]]]:
    """Lock the available accounts these tasks may use and read their quota left under the
    lock (in id order, so two claims cannot deadlock): two claims that both saw one use left
    cannot both take it, so `used_today` never passes `daily_limit`."""
    bound_ids = {t.platform_account_id for t in tasks if t.platform_account_id}
    wanted_platforms = {t.platform for t in tasks if not t.platform_account_id}
    accounts = (
        PlatformAccount.objects.available()
        .filter(Q(id__in=bound_ids) | Q(platform__in=wanted_platforms))
        .order_by("id")
        .select_for_update()
        .values_list("id", "platform", "quota_remaining")
    )
    left, by_platform = {}, defaultdict(list)
    for account_id, platform, remaining in accounts:
        left[account_id] = remaining
        by_platform[platform].append(account_id)
    return left, by_platform
