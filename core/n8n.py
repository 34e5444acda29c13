"""Outbound calls to n8n workflows, each one recorded as a WorkflowRun.

A trigger is recorded inside the caller's transaction and sent only after it commits: n8n
never hears of a state change that was rolled back, and an unreachable n8n never undoes one
(the run is marked failed instead, and `retry_workflow_runs` or the admin sends it again).
"""

import logging

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import TimeoutError as TransportTimeout
from urllib3.util.retry import Retry

from core import audit
from core.exceptions import ApplicationError
from core.models import WorkflowRun
from core.workflow_urls import workflow_url_problem

logger = logging.getLogger(__name__)

State = WorkflowRun.State
# What the admin keeps of n8n's reply, for operators (never shown to API clients).
RESPONSE_EXCERPT_CHARS = 2000


def absolute_url(path: str) -> str:
    return f"{settings.SHORTSGEN_PUBLIC_URL}{path}"


def _session() -> requests.Session:
    # Retried: only what never reached a workflow (refused or failed connection, and the
    # 502/503/504 of a proxy in front of n8n). A read timeout is not retried: n8n may have
    # started, and a second execution would apply its results twice.
    retry = Retry(
        total=settings.N8N_RETRIES,
        connect=settings.N8N_RETRIES,
        read=0,
        status=settings.N8N_RETRIES,
        other=0,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"POST"}),
        backoff_factor=settings.N8N_RETRY_BACKOFF_MS / 1000,
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


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
    headers = {"X-ShortsGen-Run-Id": str(run.id)}
    trigger_token = getattr(settings, "N8N_TRIGGER_TOKEN", "")
    if trigger_token:
        headers["X-ShortsGen-Trigger-Token"] = trigger_token
    timeout = (settings.N8N_CONNECT_TIMEOUT, settings.N8N_READ_TIMEOUT)
    try:
        with _session() as session:
            # No redirects: an allowed host could otherwise forward the POST anywhere.
            response = session.post(
                run.url,
                json=run.payload,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
            )
    except requests.RequestException as exc:
        run.state, run.error = State.FAILED, _describe(exc)
        logger.warning("Workflow run %s failed: %s (%s)", run.id, run.error, exc)
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
    # Conditional UPDATE: of two operators retrying at once, one sends.
    with transaction.atomic():
        reset = WorkflowRun.objects.filter(id=run_id, state=State.FAILED).update(
            state=State.PENDING, last_attempt_at=None, updated_at=timezone.now()
        )
        if reset:
            _record(WorkflowRun.objects.get(id=run_id), "workflow_run.retry", State.FAILED)
    if not reset:
        run = WorkflowRun.objects.filter(id=run_id).first()
        if run is None:
            raise ApplicationError("Workflow run not found", status_code=404)
        raise ApplicationError(f"Only failed runs can be retried; run {run_id} is {run.state}")
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
