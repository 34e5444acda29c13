"""`manage.py retry_workflow_runs` against a real n8n stand-in on loopback (FakeN8n).

These tests commit (transaction=True): the trigger is sent only after the commit.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from core.models import WorkflowRun
from core.testing import trigger_failed
from inspirations import services as inspiration_services
from inspirations.models import Inspiration

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def idea(demo_types):
    return inspiration_services.inspiration_create(
        title="night city", project_type_code="video_generation", parameters={"style": "noir"}
    )


def test_n8n_down_keeps_the_state_change_and_a_retry_succeeds_when_it_is_back(api, n8n, idea):
    n8n.stop()
    data = trigger_failed(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    assert data["status"] == "generating"
    assert data["workflow_run"]["state"] == "failed"
    assert data["workflow_run"]["error"] == "n8n could not be reached: the connection failed."
    assert Inspiration.objects.get(id=idea.id).status == "generating"
    run = WorkflowRun.objects.get()
    assert (run.state, run.http_status) == ("failed", None)

    n8n.start()
    out = StringIO()
    call_command("retry_workflow_runs", stdout=out)
    assert "Retried 1 run(s): 1 succeeded, 0 failed." in out.getvalue()
    run.refresh_from_db()
    assert (run.state, run.error, run.attempts) == ("succeeded", None, 2)
    # The same payload, with the same runId, arrives.
    assert n8n.requests[0]["json"] == run.payload


def test_approve_with_n8n_down_stays_approved_and_the_retry_delivers(api, n8n, idea):
    n8n.stop()
    data = trigger_failed(api.post(f"/api/inspirations/{idea.id}/approve"))
    assert (data["status"], data["project_id"]) == ("approved", None)
    assert data["workflow_run"]["state"] == "failed"
    assert Inspiration.objects.get(id=idea.id).status == "approved"

    # Still down: the run stays failed, one more attempt counted.
    err = StringIO()
    call_command("retry_workflow_runs", stdout=StringIO(), stderr=err)
    run = WorkflowRun.objects.get()
    assert (run.state, run.attempts) == ("failed", 2)
    assert f"Run {run.id} failed again: n8n could not be reached" in err.getvalue()

    n8n.start()
    call_command("retry_workflow_runs", str(run.id), stdout=StringIO())
    run.refresh_from_db()
    assert (run.state, run.attempts) == ("succeeded", 3)
    assert n8n.requests[0]["json"]["kind"] == "transform"


def test_a_run_left_unsent_is_sent_by_the_command(n8n, idea):
    from datetime import timedelta

    from django.utils import timezone

    from core.n8n import workflow_run_start

    # Recorded, committed, but the process stopped before the on_commit call.
    run = workflow_run_start(
        kind="inspiration",
        target_type="inspiration",
        target_id=idea.id,
        url=n8n.url("/webhook/inspiration"),
        data={},
        callback_path="/x",
    )
    WorkflowRun.objects.filter(id=run.id).update(
        state="pending", last_attempt_at=None, created_at=timezone.now() - timedelta(hours=1)
    )
    n8n.requests.clear()
    out = StringIO()
    call_command("retry_workflow_runs", stdout=out)
    assert "1 succeeded" in out.getvalue()
    assert WorkflowRun.objects.get(id=run.id).state == "succeeded"
    assert len(n8n.requests) == 1
