"""A trigger never holds its request hostage: the whole send fits N8N_SEND_BUDGET_SECONDS, a 404
of a webhook not registered yet is retried, and a send that died leaves a retryable run."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import checks
from django.core.management import call_command
from django.utils import timezone

from core.models import WorkflowRun
from core.n8n import workflow_run_retry
from core.testing import ok, trigger_failed
from core.workflow_urls import check_n8n_send_budget
from inspirations import services as inspiration_services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def idea(demo_types):
    return inspiration_services.inspiration_create(
        title="night city", project_type_code="video_generation", parameters={}
    )


def test_a_404_of_a_webhook_not_registered_yet_is_retried_within_the_call(api, n8n, idea):
    n8n.statuses = [404]
    data = ok(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    assert data["workflow_run"]["state"] == "succeeded"
    assert len(n8n.requests) == 2
    run = WorkflowRun.objects.get()
    assert (run.http_status, run.attempts) == (200, 1)


def test_a_404_that_lasts_fails_the_run_after_the_retries(api, n8n, idea, settings):
    settings.N8N_RETRIES = 2
    n8n.status = 404
    data = trigger_failed(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    assert data["workflow_run"]["error"] == "n8n answered HTTP 404."
    assert len(n8n.requests) == 3


def test_a_refused_connection_then_404_then_200_succeeds(api, n8n, idea, settings):
    settings.N8N_RETRIES = 3
    settings.N8N_RETRY_BACKOFF_MS = 300
    n8n.stop()
    n8n.statuses = [404]

    import threading

    # n8n comes back during the backoff after the refused connection.
    threading.Timer(0.1, n8n.start).start()
    data = ok(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    assert data["workflow_run"]["state"] == "succeeded"
    assert len(n8n.requests) == 2


def test_a_slow_n8n_is_given_up_on_when_the_budget_is_spent(api, n8n, idea, settings):
    settings.N8N_SEND_BUDGET_SECONDS = 1
    settings.N8N_READ_TIMEOUT = 15
    n8n.delay = 3
    started = time.monotonic()
    data = trigger_failed(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    elapsed = time.monotonic() - started
    assert elapsed < 2, elapsed
    assert data["workflow_run"]["error"] == "n8n could not be reached: the request timed out."
    # A read timeout may have reached the workflow: never sent twice.
    assert len(n8n.requests) == 1


def test_no_retry_starts_once_the_budget_is_spent(api, n8n, idea, settings):
    settings.N8N_SEND_BUDGET_SECONDS = 1
    settings.N8N_RETRIES = 5
    settings.N8N_RETRY_BACKOFF_MS = 400  # waits 0.4, 0.8, 1.6 ... s
    n8n.status = 503
    started = time.monotonic()
    trigger_failed(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    assert time.monotonic() - started < 1.5
    # The first try, one retry after 0.4 s; the next wait (0.8 s) would pass the budget.
    assert len(n8n.requests) == 2
    assert WorkflowRun.objects.get().http_status == 503


def test_the_send_budget_must_fit_gunicorns_timeout_with_a_margin(settings):
    settings.GUNICORN_TIMEOUT = 30
    settings.N8N_SEND_BUDGET_SECONDS = 10
    assert check_n8n_send_budget() == []
    settings.N8N_SEND_BUDGET_SECONDS = 26
    [error] = check_n8n_send_budget()
    assert (error.level, error.id) == (checks.ERROR, "core.E003")
    settings.N8N_SEND_BUDGET_SECONDS = 0
    assert check_n8n_send_budget()[0].id == "core.E002"


def _left_pending_by_a_dead_send(run: WorkflowRun, seconds_ago: float) -> None:
    WorkflowRun.objects.filter(id=run.id).update(
        state="pending", attempts=1, last_attempt_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


def test_a_run_a_dead_send_left_pending_is_retried_by_the_command(n8n, idea, settings):
    settings.N8N_SEND_BUDGET_SECONDS = 10
    inspiration_services.inspiration_regenerate(inspiration=idea)
    run = WorkflowRun.objects.get()
    n8n.requests.clear()

    # Within twice the budget the send may still be running: not touched.
    _left_pending_by_a_dead_send(run, seconds_ago=15)
    call_command("retry_workflow_runs", stdout=StringIO())
    assert n8n.requests == []
    with pytest.raises(Exception, match="Only failed runs can be retried"):
        workflow_run_retry(run_id=run.id)

    _left_pending_by_a_dead_send(run, seconds_ago=25)
    out = StringIO()
    call_command("retry_workflow_runs", stdout=out)
    assert "1 succeeded" in out.getvalue()
    run.refresh_from_db()
    assert (run.state, run.attempts) == ("succeeded", 2)
    assert len(n8n.requests) == 1


def test_the_admin_retries_a_run_a_dead_send_left_pending(n8n, idea, admin_client):
    inspiration_services.inspiration_regenerate(inspiration=idea)
    run = WorkflowRun.objects.get()
    _left_pending_by_a_dead_send(run, seconds_ago=3600)
    response = admin_client.post(
        "/admin/core/workflowrun/", {"action": "retry", "_selected_action": [run.id]}
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.state, run.attempts) == ("succeeded", 2)
