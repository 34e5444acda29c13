"""Leases: worker_id, lease_seconds, fencing tokens, heartbeat, release, expired leases."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from core.testing import error, ok
from tasks.models import Task
from tasks.tests.conftest import patch


def claim_as(api, worker_id, **extra):
    body = {"task_types": ["video_generation"], "worker_id": worker_id, **extra}
    return ok(api.post("/api/tasks/claim", body, format="json"))


def expire(task_id):
    Task.objects.filter(id=task_id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def test_claim_sets_lease_worker_and_a_fresh_token(api, create_task):
    create_task()
    data = claim_as(api, "w1", lease_seconds=60)
    assert data["worker_id"] == "w1"
    assert len(data["lease_token"]) == 32
    task = Task.objects.get(id=data["id"])
    remaining = (task.lease_expires_at - timezone.now()).total_seconds()
    assert 50 < remaining <= 60


def test_default_lease_comes_from_settings(api, create_task, settings):
    settings.TASK_DEFAULT_LEASE_SECONDS = 1234
    create_task()
    task = Task.objects.get(id=claim_as(api, "w1")["id"])
    assert 1200 < (task.lease_expires_at - timezone.now()).total_seconds() <= 1234


def test_lease_seconds_out_of_bounds_are_refused(api, settings):
    settings.TASK_MAX_LEASE_SECONDS = 100
    for bad in (0, 101, "x"):
        body = {"task_types": ["video_generation"], "lease_seconds": bad}
        assert error(api.post("/api/tasks/claim", body, format="json"), 400).startswith(
            "lease_seconds:"
        )


def test_heartbeat_extends_the_lease(api, create_task):
    create_task()
    data = claim_as(api, "w1", lease_seconds=10)
    body = {"worker_id": "w1", "lease_token": data["lease_token"], "lease_seconds": 600}
    ok(api.post(f"/api/tasks/{data['id']}/heartbeat", body, format="json"))
    task = Task.objects.get(id=data["id"])
    assert (task.lease_expires_at - timezone.now()).total_seconds() > 500


def test_heartbeat_from_another_worker_is_refused_and_changes_nothing(api, create_task):
    create_task()
    data = claim_as(api, "w1", lease_seconds=30)
    before = Task.objects.get(id=data["id"]).lease_expires_at
    body = {"worker_id": "w2", "lease_seconds": 600}
    msg = error(api.post(f"/api/tasks/{data['id']}/heartbeat", body, format="json"), 400)
    assert "leased to worker 'w1'" in msg
    assert Task.objects.get(id=data["id"]).lease_expires_at == before


def test_heartbeat_on_a_task_not_processing_is_refused(api, create_task):
    task = create_task()
    msg = error(api.post(f"/api/tasks/{task['id']}/heartbeat", {}, format="json"), 400)
    assert msg == f"Cannot heartbeat task {task['id']}: it is pending, not processing."
    assert error(api.post("/api/tasks/999999/heartbeat", {}, format="json"), 404)


def test_release_puts_the_task_back_without_counting_the_attempt(api, create_task):
    create_task()
    data = claim_as(api, "w1")
    body = {"worker_id": "w1", "lease_token": data["lease_token"]}
    released = ok(api.post(f"/api/tasks/{data['id']}/release", body, format="json"))
    assert released["status"] == "pending"
    assert released["attempts"] == 0
    assert released["worker_id"] is None
    assert claim_as(api, "w2")["id"] == data["id"]


def test_release_with_an_old_token_is_refused(api, create_task):
    create_task()
    data = claim_as(api, "w1")
    body = {"lease_token": "0" * 32}
    msg = error(api.post(f"/api/tasks/{data['id']}/release", body, format="json"), 400)
    assert "lease_token does not match" in msg
    assert Task.objects.get(id=data["id"]).status == "processing"


def test_an_expired_lease_is_claimed_again_with_a_new_token(api, create_task):
    create_task(max_attempts=3)
    first = claim_as(api, "w1")
    expire(first["id"])
    second = claim_as(api, "w2")
    assert second["id"] == first["id"]
    assert second["attempts"] == 2
    assert second["lease_token"] != first["lease_token"]


def test_a_live_lease_is_not_claimed_again(api, create_task):
    create_task(max_attempts=3)
    claim_as(api, "w1")
    body = {"task_types": ["video_generation"]}
    assert api.post("/api/tasks/claim", body, format="json").json()["code"] == 1


def test_the_old_holder_cannot_report_after_a_takeover(api, create_task):
    create_task(max_attempts=3)
    first = claim_as(api, "w1")
    expire(first["id"])
    second = claim_as(api, "w2")
    stale = patch(api, first["id"], status="completed", lease_token=first["lease_token"])
    assert "claimed again" in error(stale, 400)
    stale = patch(api, first["id"], status="completed", worker_id="w1")
    assert "leased to worker 'w2'" in error(stale, 400)
    task = Task.objects.get(id=first["id"])
    assert task.status == "processing" and task.task_output is None
    done = patch(
        api, first["id"], status="completed", worker_id="w2", lease_token=second["lease_token"]
    )
    assert ok(done)["status"] == "completed"


def test_reports_without_lease_fields_keep_working(api, create_task):
    create_task()
    data = claim_as(api, "w1")
    assert ok(patch(api, data["id"], status="completed", task_output={"a": 1}))["status"] == (
        "completed"
    )


def test_batch_update_checks_the_lease_of_every_task(api, create_task):
    create_task(commit_id="c1")
    create_task(commit_id="c2")
    data = ok(
        api.post(
            "/api/tasks/claim",
            {"task_types": ["video_generation"], "worker_id": "w1", "max_tasks": 2},
            format="json",
        )
    )
    body = {"commit_ids": ["c1", "c2"], "status": "completed", "worker_id": "w2"}
    assert "leased to worker" in error(
        api.patch("/api/tasks/batch-update", body, format="json"), 400
    )
    assert Task.objects.filter(status="completed").count() == 0
    body = {"task_ids": [t["id"] for t in data], "status": "completed"}
    body["lease_token"] = data[0]["lease_token"]
    done = ok(api.patch("/api/tasks/batch-update", body, format="json"))
    assert {t["status"] for t in done} == {"completed"}


def test_update_by_commit_id_checks_the_lease(api, create_task):
    create_task(commit_id="job-1")
    claim_as(api, "w1")
    body = {"commit_id": "job-1", "status": "completed", "worker_id": "intruder"}
    assert error(api.patch("/api/tasks/update-by-commit-id", body, format="json"), 400)
    body["worker_id"] = "w1"
    assert ok(api.patch("/api/tasks/update-by-commit-id", body, format="json"))["status"] == (
        "completed"
    )


def test_reporting_the_same_completion_twice_cascades_once(api, project, create_task):
    root = create_task()
    child = create_task(dependencies=[root["id"]])
    data = claim_as(api, "w1")
    report = {"status": "completed", "task_output": {"x": 1}, "lease_token": data["lease_token"]}
    first = ok(patch(api, root["id"], **report))
    second = ok(patch(api, root["id"], **report))
    assert first["status"] == second["status"] == "completed"
    assert first["task_output"] == second["task_output"]
    project.refresh_from_db()
    assert project.completed_tasks == 1
    assert Task.objects.get(id=child["id"]).status == "pending"


def test_an_expired_lease_on_the_last_attempt_fails_the_task_and_project(api, project, create_task):
    create_task(max_attempts=1)
    data = claim_as(api, "w1")
    expire(data["id"])
    body = {"task_types": ["video_generation"]}
    assert api.post("/api/tasks/claim", body, format="json").json()["code"] == 1
    task = Task.objects.get(id=data["id"])
    assert task.status == "failed"
    assert "Lease expired" in task.error_message
    project.refresh_from_db()
    assert project.status == "failed" and project.failed_tasks == 1


def test_reclaim_expired_tasks_command(api, project, create_task, capsys):
    create_task(max_attempts=2)
    create_task(max_attempts=1)
    body = {"task_types": ["video_generation"], "max_tasks": 2}
    claimed = ok(api.post("/api/tasks/claim", body, format="json"))
    for task in claimed:
        expire(task["id"])
    call_command("reclaim_expired_tasks")
    assert "Requeued 1 task(s); failed 1" in capsys.readouterr().out
    statuses = dict(Task.objects.values_list("max_attempts", "status"))
    assert statuses == {2: "pending", 1: "failed"}
