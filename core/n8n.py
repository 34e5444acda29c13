"""Outbound calls to n8n workflows, each one recorded as a WorkflowRun.

A trigger is recorded inside the caller's transaction and sent only after it commits: n8n
never hears of a state change that was rolled back, and an unreachable n8n never undoes one
(the run is marked failed instead, and `retry_workflow_runs` or the admin sends it again).
"""

import json
import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import TimeoutError as TransportTimeout
from urllib3.util import Timeout

from core import audit
from core.exceptions import ApplicationError
from core.models import WorkflowRun
from core.signatures import signature
from core.workflow_urls import workflow_url_problem

logger = logging.getLogger(__name__)

State = WorkflowRun.State
# What the admin keeps of n8n's reply, for operators (never shown to API clients).
RESPONSE_EXCERPT_CHARS = 2000


def absolute_url(path: str) -> str:
    return f"{settings.SHORTSGEN_PUBLIC_URL}{path}"


def absolute_reverse(route_name: str, *args) -> str:
    """The URL of a named route as n8n reaches it (SHORTSGEN_PUBLIC_URL, then the path)."""
    return absolute_url(reverse(route_name, args=args))


# Retried within the send budget: what never reached a workflow (a refused or failed
# connection; the 502/503/504 of a proxy in front of n8n; the 404 of a webhook path n8n has
# not registered yet, as in the seconds after it starts). A read timeout is not retried: n8n
# may have started, and a second execution would apply its results twice.
RETRIED_STATUSES = frozenset({404, 502, 503, 504})
TRIGGER_TOKEN_HEADER = "X-ShortsGen-Trigger-Token"


def trigger_headers(*, url: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """What authenticates a trigger to n8n: the first of N8N_TRIGGER_SECRETS as a header that
    n8n's Header Auth checks, and an HMAC signature in the inbound webhooks' canonical form
    (`timestamp\nPOST\n<path>\n<body>`). Nothing without a secret configured."""
    if not settings.N8N_TRIGGER_SECRETS:
        return {}
    secret = settings.N8N_TRIGGER_SECRETS[0]
    parts = urlsplit(url)
    path = f"{parts.path or '/'}?{parts.query}" if parts.query else (parts.path or "/")
    timestamp = str(int(time.time() if now is None else now))
    return {
        TRIGGER_TOKEN_HEADER: secret,
        "X-ShortsGen-Timestamp": timestamp,
        "X-ShortsGen-Signature": signature(secret, timestamp, "POST", path, body),
    }


def stale_pending_runs(now=None) -> Q:
    """Runs left pending after an attempt (the process died mid-send): no send can still be in
    progress twice the send budget after it started, so they may be sent again."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=2 * settings.N8N_SEND_BUDGET_SECONDS)
    return Q(state=State.PENDING, attempts__gt=0, last_attempt_at__lt=cutoff)


def workflow_run_start(
    *, kind: str, target_type: str, target_id: int, url: str, data: dict, callback_path: str
) -> WorkflowRun:
    """Record a run of this workflow for the target; it is sent once the transaction commits."""
    run = WorkflowRun.objects.create(
        kind=kind, target_type=target_type, target_id=target_id, url=url
    )
    run.payload = {
        "runId": run.id,
        "kind": kind,
        "target": {"type": target_type, "id": target_id},
        "data": data,
        "callbackUrl": absolute_url(callback_path),
    }
    run.save(update_fields=["payload", "updated_at"])
    transaction.on_commit(lambda: workflow_run_send(run_id=run.id))
    return run


def workflow_run_send(*, run_id: int) -> WorkflowRun:
    """Send a pending run to n8n (outside any transaction) and record the outcome."""
    now = timezone.now()
    # A conditional UPDATE claims the attempt: a retry racing the first send cannot post the
    # same run twice.
    claimed = WorkflowRun.objects.filter(id=run_id, state=State.PENDING, last_attempt_at=None)
    if not claimed.update(last_attempt_at=now, attempts=F("attempts") + 1):
        return WorkflowRun.objects.get(id=run_id)
    run = WorkflowRun.objects.get(id=run_id)
    run.http_status, run.response_excerpt = None, ""
    # Checked again here: the allowlist may have shrunk since the URL was stored.
    problem = workflow_url_problem(run.url)
    if problem is not None:
        run.state, run.error = State.FAILED, f"Not sent, the workflow URL is refused: {problem}"
        logger.warning("Workflow run %s not sent to %s: %s", run.id, run.url, problem)
    else:
        _post(run)
    with transaction.atomic():
        run.save(
            update_fields=[
                "state",
                "http_status",
                "error",
                "response_excerpt",
                "execution_id",
                "updated_at",
            ]
        )
        _record(run, "workflow_run.send", State.PENDING, reason=run.error)
    return run


def _record(run: WorkflowRun, action: str, old: str, *, reason: str | None = "") -> None:
    audit.record(
        action=action,
        target=run,
        target_repr=f"#{run.id} {run.kind} {run.target_type} {run.target_id}",
        from_status=old,
        to_status=run.state,
        reason=reason,
    )


def _post(run: WorkflowRun) -> None:
    """POST the run's payload and note the outcome on `run` (not saved).

    `run.error` is shown to API clients, so it says what happened in our words only: the
    reply body and the exception text (which tell a closed port from a filtered one, or quote
    an internal service) go to `response_excerpt` (admin only) and to the log.
    """
    body = json.dumps(run.payload).encode()
    response = None
    # What stays if the budget allows no attempt at all.
    run.state, run.error = State.FAILED, "n8n could not be reached: the request timed out."
    # The whole send (every attempt's connect and read, and the waits between) fits
    # N8N_SEND_BUDGET_SECONDS: the request that triggers it must end well before gunicorn's
    # timeout. Each attempt gets what is left, and none starts once it is spent.
    deadline = time.monotonic() + settings.N8N_SEND_BUDGET_SECONDS
    with requests.Session() as session:
        for attempt in range(settings.N8N_RETRIES + 1):
            if attempt:
                backoff = settings.N8N_RETRY_BACKOFF_MS / 1000 * 2 ** (attempt - 1)
                if deadline - time.monotonic() <= backoff:
                    break
                time.sleep(backoff)
            left = deadline - time.monotonic()
            if left <= 0:
                break
            headers = {
                "Content-Type": "application/json",
                "X-ShortsGen-Run-Id": str(run.id),
                **trigger_headers(url=run.url, body=body),
            }
            timeout = Timeout(
                total=left,
                connect=min(settings.N8N_CONNECT_TIMEOUT, left),
                read=min(settings.N8N_READ_TIMEOUT, left),
            )
            try:
                # No redirects: an allowed host could otherwise forward the POST anywhere.
                response = session.post(
                    run.url, data=body, headers=headers, timeout=timeout, allow_redirects=False
                )
            except requests.RequestException as exc:
                response = None
                run.state, run.error = State.FAILED, _describe(exc)
                logger.warning("Workflow run %s failed: %s (%s)", run.id, run.error, exc)
                if _timed_out(exc) and not isinstance(exc, requests.ConnectTimeout):
                    return  # it may have reached the workflow: not sent twice
                continue
            if response.status_code not in RETRIED_STATUSES:
                break
    if response is None:
        return
    run.http_status = response.status_code
    run.response_excerpt = response.text[:RESPONSE_EXCERPT_CHARS]
    # Not `response.ok`: that counts a redirect (3xx) as success, and redirects are not followed.
    if 200 <= response.status_code < 300:
        run.state, run.error = State.SUCCEEDED, None
        run.execution_id = run.execution_id or _execution_id(response)
    else:
        run.state, run.error = State.FAILED, f"n8n answered HTTP {response.status_code}."
        logger.warning("Workflow run %s failed: %s", run.id, run.error)


def workflow_run_retry(*, run_id: int) -> WorkflowRun:
    """Send a failed run again, with the same payload (and so the same runId)."""
    # Conditional UPDATE: of two operators retrying at once, one sends. A run left pending
    # after an attempt long enough ago that no send can still be running counts as failed.
    with transaction.atomic():
        retryable = Q(state=State.FAILED) | stale_pending_runs()
        old = WorkflowRun.objects.filter(retryable, id=run_id).values_list("state", flat=True)
        old = old.first()
        reset = old is not None and WorkflowRun.objects.filter(retryable, id=run_id).update(
            state=State.PENDING, last_attempt_at=None, updated_at=timezone.now()
        )
        if reset:
            _record(WorkflowRun.objects.get(id=run_id), "workflow_run.retry", old)
    if not reset:
        run = WorkflowRun.objects.filter(id=run_id).first()
        if run is None:
            raise ApplicationError("Workflow run not found", status_code=404)
        raise ApplicationError(
            f"Only failed runs can be retried (and runs a dead send left pending); "
            f"run {run_id} is {run.state}"
        )
    return workflow_run_send(run_id=run_id)


@transaction.atomic
def workflow_run_record_callback(
    *, run_id: int, target_type: str, target_id: int, execution_id: str | None, error: str | None
) -> WorkflowRun | None:
    """Note n8n's execution id (and a failure it reports) on the run the callback answers."""
    run = (
        WorkflowRun.objects.select_for_update()
        .filter(id=run_id, target_type=target_type, target_id=target_id)
        .first()
    )
    if run is None:
        return None
    run.callback_received_at = timezone.now()
    old_state = run.state
    if execution_id:
        run.execution_id = execution_id
    if error is not None:
        run.state, run.error = State.FAILED, f"The workflow reported: {error}"
    run.save()
    if run.state != old_state:
        _record(run, "workflow_run.callback", old_state, reason=run.error)
    return run


def run_deadline_minutes(kind: str) -> int:
    return settings.N8N_RUN_DEADLINE_MINUTES_BY_KIND.get(kind, settings.N8N_RUN_DEADLINE_MINUTES)


def _expired(kind: str, now) -> Q:
    cutoff = now - timedelta(minutes=run_deadline_minutes(kind))
    return Q(
        kind=kind, state=State.SUCCEEDED, callback_received_at=None, last_attempt_at__lt=cutoff
    )


def expired_workflow_run_ids(*, now=None) -> list[int]:
    """Runs n8n accepted that have not called back within their kind's deadline."""
    now = now or timezone.now()
    condition = Q(pk__in=[])
    for kind in WorkflowRun.Kind.values:
        condition |= _expired(kind, now)
    return list(WorkflowRun.objects.filter(condition).order_by("id").values_list("id", flat=True))


@transaction.atomic
def workflow_run_expire(*, run_id: int, now=None) -> WorkflowRun | None:
    """Mark one accepted run that never called back failed (None if it is no longer one)."""
    now = now or timezone.now()
    run = WorkflowRun.objects.select_for_update().filter(id=run_id).first()
    if run is None or not WorkflowRun.objects.filter(_expired(run.kind, now), id=run_id).exists():
        return None
    minutes = run_deadline_minutes(run.kind)
    run.state, run.error = State.FAILED, f"No callback from n8n within {minutes} minutes."
    run.save(update_fields=["state", "error", "updated_at"])
    _record(run, "workflow_run.expire", State.SUCCEEDED, reason=run.error)
    return run


def run_summary(run: WorkflowRun | None) -> dict | None:
    """What an API response says about the run it triggered."""
    if run is None:
        return None
    run.refresh_from_db()
    return {"id": run.id, "kind": run.kind, "state": run.state, "error": run.error}


def _execution_id(response: requests.Response) -> str | None:
    # A Webhook node answering "immediately" sends no execution id; one answering with
    # "Respond to Webhook" may ({"executionId": ...}).
    try:
        body = response.json()
    except ValueError:
        return None
    value = body.get("executionId") if isinstance(body, dict) else None
    return str(value) if value not in (None, "") else None


def _describe(exc: requests.RequestException) -> str:
    if _timed_out(exc):
        return "n8n could not be reached: the request timed out."
    return "n8n could not be reached: the connection failed."


def _timed_out(exc: requests.RequestException) -> bool:
    # A read timeout that used up its retries arrives as a ConnectionError wrapping urllib3's
    # MaxRetryError, whose `reason` is the timeout. (urllib3's refused connection is a
    # subclass of its connect timeout, for history's sake.)
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(reason, NewConnectionError):
        return False
    return isinstance(exc, requests.Timeout) or isinstance(reason, TransportTimeout)
