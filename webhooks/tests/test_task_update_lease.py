"""A task n8n marks processing through task_update holds a lease like a worker's: a later
update from n8n renews it, and a silent n8n loses the task when it runs out."""

from datetime import timedelta

from django.utils import timezone

from core.testing import error, ok
from tasks.models import Task
from tasks.services import tasks_reclaim_expired
from webhooks.testing import task_of


def url(task_id):
    return f"/api/webhooks/n8n/task_update/{task_id}"


def _lease_ran_out(task: Task) -> None:
    Task.objects.filter(id=task.id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def test_processing_by_n8n_gets_the_default_lease_held_by_n8n(n8n_api, demo_project, settings):
    settings.TASK_DEFAULT_LEASE_SECONDS = 120
    script = task_of(demo_project, "script_generation")
    before = timezone.now()
    ok(n8n_api.post(url(script.id), {"status": "processing", "executionId": "e"}, format="json"))
    script.refresh_from_db()
    assert (script.status, script.worker_id, script.lease_holder_id) == ("processing", "n8n", None)
    assert before + timedelta(seconds=119) < script.lease_expires_at
    assert script.lease_expires_at <= timezone.now() + timedelta(seconds=120)


def test_a_silent_n8n_cannot_pin_a_task(n8n_api, demo_project):
    script = task_of(demo_project, "script_generation")
    ok(n8n_api.post(url(script.id), {"status": "processing", "executionId": "e"}, format="json"))
    assert tasks_reclaim_expired() == {"requeued": 0, "failed": 0}
    _lease_ran_out(script)
    assert tasks_reclaim_expired() == {"requeued": 1, "failed": 0}
    script.refresh_from_db()
    assert (script.status, script.lease_expires_at) == ("pending", None)


def test_a_later_update_from_n8n_renews_the_lease(n8n_api, demo_project):
    script = task_of(demo_project, "script_generation")
    ok(n8n_api.post(url(script.id), {"status": "processing", "executionId": "e1"}, format="json"))
    almost = timezone.now() + timedelta(seconds=5)
    Task.objects.filter(id=script.id).update(lease_expires_at=almost)
    # The next execution step reports progress (a new delivery): the lease starts again.
    body = {"status": "processing", "executionId": "e2", "task_output": {"step": 1}}
    ok(n8n_api.post(url(script.id), body, format="json"))
    script.refresh_from_db()
    assert script.status == "processing"
    assert script.lease_expires_at > almost + timedelta(seconds=60)
    assert tasks_reclaim_expired() == {"requeued": 0, "failed": 0}


def test_a_worker_cannot_take_a_task_n8n_holds_until_the_lease_runs_out(
    n8n_api, worker_api, demo_project
):
    script = task_of(demo_project, "script_generation")
    ok(n8n_api.post(url(script.id), {"status": "processing", "executionId": "e"}, format="json"))
    claim = {"task_types": ["script_generation"], "worker_id": "w1"}
    nothing = worker_api.post("/api/tasks/claim", claim, format="json").json()
    assert nothing["msg"] == "No pending tasks available for the given types."
    _lease_ran_out(script)
    claimed = ok(worker_api.post("/api/tasks/claim", claim, format="json"))
    assert claimed["id"] == script.id
    # n8n's late report is refused: the task is the worker's now.
    late = {"status": "completed", "executionId": "e"}
    assert "leased to w1" in error(n8n_api.post(url(script.id), late, format="json"), 400)
