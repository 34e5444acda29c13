"""Runs n8n accepted but never called back expire after their kind's deadline: the run fails
with the reason, the target moves as a `status: failed` callback moves it, the trail says so,
and `retry_workflow_runs` sends them again."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import AuditEntry, WorkflowRun
from core.testing import ok
from inspirations import services as inspiration_services
from inspirations.models import Inspiration
from projects.models import Project
from projects.services import project_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def n8n(n8n, settings):
    settings.N8N_RUN_DEADLINE_MINUTES_BY_KIND = {
        "inspiration": 30,
        "transform": 20,
        "execution": 240,
    }
    return n8n


@pytest.fixture
def idea(demo_types):
    return inspiration_services.inspiration_create(
        title="night city", project_type_code="video_generation", parameters={}
    )


def _sent_minutes_ago(minutes: int) -> None:
    WorkflowRun.objects.update(last_attempt_at=timezone.now() - timedelta(minutes=minutes))


def _expire() -> str:
    out = StringIO()
    call_command("expire_workflow_runs", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_inspiration_run_without_callback_fails_and_its_inspiration_with_it(api, n8n, idea):
    ok(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    run = WorkflowRun.objects.get()
    _sent_minutes_ago(29)
    assert "Expired 0 run(s)." in _expire()
    assert WorkflowRun.objects.get().state == "succeeded"

    _sent_minutes_ago(31)
    assert "Expired 1 run(s)." in _expire()
    run.refresh_from_db()
    assert (run.state, run.error) == ("failed", "No callback from n8n within 30 minutes.")
    idea.refresh_from_db()
    # As the callback's `status: failed` does: failed, with the reason; a regenerate may start.
    assert (idea.status, idea.error_message) == ("failed", run.error)
    assert Inspiration.Status.GENERATING in Inspiration.TRANSITIONS[idea.status]
    entry = AuditEntry.objects.get(action="workflow_run.expire")
    assert (entry.from_status, entry.to_status, entry.reason) == ("succeeded", "failed", run.error)
    assert entry.actor_name == "expire_workflow_runs"
    # Expired once only.
    assert "Expired 0 run(s)." in _expire()

    # The retry sends it again; the callback it gets applies.
    n8n.requests.clear()
    call_command("retry_workflow_runs", stdout=StringIO(), stderr=StringIO())
    assert len(n8n.requests) == 1
    run.refresh_from_db()
    assert (run.state, run.attempts) == ("succeeded", 2)


def test_a_run_that_called_back_never_expires(api, n8n_api, n8n, idea):
    ok(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    payload = n8n.requests[0]["json"]
    body = {"status": "success", "runId": payload["runId"], "data": {"title": "t"}}
    ok(n8n_api.post(f"/api/webhooks/n8n/inspiration/{idea.id}", body, format="json"))
    _sent_minutes_ago(24 * 60)
    assert "Expired 0 run(s)." in _expire()
    assert WorkflowRun.objects.get().state == "succeeded"


def test_a_transform_run_without_callback_keeps_the_inspiration_approved_with_the_reason(
    api, n8n, idea
):
    ok(api.post(f"/api/inspirations/{idea.id}/approve"))
    _sent_minutes_ago(21)
    assert "Expired 1 run(s)." in _expire()
    run = WorkflowRun.objects.get()
    assert (run.kind, run.state) == ("transform", "failed")
    assert run.error == "No callback from n8n within 20 minutes."
    idea.refresh_from_db()
    # As a failed project_creation callback: approved (no way back), the reason kept, and the
    # retried run asks for the project again.
    assert (idea.status, idea.error_message) == ("approved", run.error)
    n8n.requests.clear()
    call_command("retry_workflow_runs", stdout=StringIO(), stderr=StringIO())
    assert n8n.requests[0]["json"]["kind"] == "transform"


def test_an_execution_run_without_callback_fails_its_project(api, n8n, demo_types):
    project = project_create(name="p", project_type="video_generation")
    ok(api.post(f"/projects/{project.id}/regenerate"))
    assert Project.objects.get(id=project.id).status == "processing"
    _sent_minutes_ago(239)
    assert "Expired 0 run(s)." in _expire()
    _sent_minutes_ago(241)
    assert "Expired 1 run(s)." in _expire()
    run = WorkflowRun.objects.get()
    assert (run.state, run.error) == ("failed", "No callback from n8n within 240 minutes.")
    project.refresh_from_db()
    assert project.status == "failed"
    assert Project.Status.PROCESSING in Project.TRANSITIONS[project.status]


def test_retry_workflow_runs_expires_first_and_the_overview_lists_the_expired(
    api, n8n, idea, admin_client
):
    ok(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    _sent_minutes_ago(31)
    n8n.stop()
    err = StringIO()
    call_command("retry_workflow_runs", stdout=StringIO(), stderr=err)
    run = WorkflowRun.objects.get()
    assert "n8n could not be reached" in err.getvalue()
    assert (run.state, run.attempts) == ("failed", 2)
    assert AuditEntry.objects.filter(action="workflow_run.expire").count() == 1

    # Still down: the overview's failed runs panel shows it.
    WorkflowRun.objects.update(error="No callback from n8n within 30 minutes.")
    page = admin_client.get("/admin/")
    assert page.status_code == 200
    assert "No callback from n8n within 30 minutes." in page.content.decode()
