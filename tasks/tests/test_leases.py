"""Leases: held by the claiming client, lease_seconds, fencing tokens, heartbeat, release,
expired leases. worker_id is a label; a worker token acts under the lease_token of its claim."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from core.testing import error, ok
from tasks.models import Task
from tasks.testing import patch, report


def claim_as(worker_api, worker_id, **extra):
    body = {"task_types": ["video_generation"], "worker_id": worker_id, **extra}
    return ok(worker_api.post("/api/tasks/claim", body, format="json"))


def expire(task_id):
    Task.objects.filter(id=task_id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def test_claim_sets_lease_worker_and_a_fresh_token(worker_api, create_task):
    create_task()
    data = claim_as(worker_api, "w1", lease_seconds=60)
    assert data["worker_id"] == "w1"
    assert len(data["lease_token"]) == 32
    task = Task.objects.get(id=data["id"])
    assert task.lease_holder.username == "test-worker"
    remaining = (task.lease_expires_at - timezone.now()).total_seconds()
    assert 50 < remaining <= 60


def test_default_lease_comes_from_settings(worker_api, create_task, settings):
    settings.TASK_DEFAULT_LEASE_SECONDS = 1234
    create_task()
    task = Task.objects.get(id=claim_as(worker_api, "w1")["id"])
    assert 1200 < (task.lease_expires_at - timezone.now()).total_seconds() <= 1234


def test_lease_seconds_out_of_bounds_are_refused(worker_api, settings):
    settings.TASK_MAX_LEASE_SECONDS = 100
    for bad in (0, 101, "x"):
        body = {"task_types": ["video_generation"], "lease_seconds": bad}
        assert error(worker_api.post("/api/tasks/claim", body, format="json"), 400).startswith(
            "lease_seconds:"
        )


def test_heartbeat_extends_the_lease(worker_api, create_task):
    create_task()
    data = claim_as(worker_api, "w1", lease_seconds=10)
    body = {"lease_token": data["lease_token"], "lease_seconds": 600}
    ok(worker_api.post(f"/api/tasks/{data['id']}/heartbeat", body, format="json"))
    task = Task.objects.get(id=data["id"])
    assert (task.lease_expires_at - timezone.now()).total_seconds() > 500


def test_heartbeat_from_another_worker_is_refused_and_changes_nothing(
    api, worker_api, other_worker, create_task
):
    create_task()
    data = claim_as(worker_api, "w1", lease_seconds=30)
    before = Task.objects.get(id=data["id"]).lease_expires_at
    url = f"/api/tasks/{data['id']}/heartbeat"
    # Another worker client, even with the claim's token (and its label), is not the holder.
    body = {"worker_id": "w1", "lease_token": data["lease_token"], "lease_seconds": 600}
    msg = error(other_worker.post(url, body, format="json"), 400)
    assert msg.startswith(f"lease_token does not match the current lease of task {data['id']}")
    # The holder itself must name its lease.
    msg = error(worker_api.post(url, {"lease_seconds": 600}, format="json"), 400)
    assert msg.startswith("lease_token: A worker acts only on the tasks it holds")
    # Heartbeats are for workers only.
    assert api.post(url, body, format="json").status_code == 403
    assert Task.objects.get(id=data["id"]).lease_expires_at == before


def test_heartbeat_on_a_task_not_processing_is_refused(worker_api, create_task):
    task = create_task()
    msg = error(worker_api.post(f"/api/tasks/{task['id']}/heartbeat", {}, format="json"), 400)
    assert msg == f"Cannot heartbeat task {task['id']}: it is pending, not processing."
    assert error(worker_api.post("/api/tasks/999999/heartbeat", {}, format="json"), 404)


def test_release_puts_the_task_back_without_counting_the_attempt(
    worker_api, other_worker, create_task
):
    create_task()
    data = claim_as(worker_api, "w1")
    body = {"lease_token": data["lease_token"]}
    released = ok(worker_api.post(f"/api/tasks/{data['id']}/release", body, format="json"))
    assert released["status"] == "pending"
    assert released["attempts"] == 0
    assert released["worker_id"] == "w1"  # the last worker, until the next claim
    assert claim_as(other_worker, "w2")["id"] == data["id"]


def test_release_with_an_old_token_is_refused(worker_api, create_task):
    create_task()
    data = claim_as(worker_api, "w1")
    body = {"lease_token": "0" * 32}
    msg = error(worker_api.post(f"/api/tasks/{data['id']}/release", body, format="json"), 400)
    assert "lease_token does not match" in msg
    assert Task.objects.get(id=data["id"]).status == "processing"


def test_an_expired_lease_is_claimed_again_with_a_new_token(worker_api, other_worker, create_task):
    create_task(max_attempts=3)
    first = claim_as(worker_api, "w1")
    expire(first["id"])
    second = claim_as(other_worker, "w2")
    assert second["id"] == first["id"]
    assert second["attempts"] == 2
    assert second["lease_token"] != first["lease_token"]
    assert Task.objects.get(id=first["id"]).lease_holder.username == "worker-2"


def test_a_live_lease_is_not_claimed_again(worker_api, other_worker, create_task):
    create_task(max_attempts=3)
    claim_as(worker_api, "w1")
    body = {"task_types": ["video_generation"]}
    assert worker_api.post("/api/tasks/claim", body, format="json").json()["code"] == 1
    assert other_worker.post("/api/tasks/claim", body, format="json").json()["code"] == 1


def test_the_old_holder_cannot_report_after_a_takeover(api, worker_api, other_worker, create_task):
    create_task(max_attempts=3)
    first = claim_as(worker_api, "w1")
    expire(first["id"])
    second = claim_as(other_worker, "w2")
    stale = report(worker_api, first, status="completed")
    assert "claimed again" in error(stale, 400)
    # Nor with the new claim's token and label: that lease is another client's.
    stale = report(worker_api, second, status="completed", task_output={"x": 1}, worker_id="w2")
    assert error(stale, 400).startswith(
        f"lease_token does not match the current lease of task {first['id']}"
    )
    # A client may not act on a task a worker holds a live lease on.
    msg = error(patch(api, first["id"], status="completed"), 400)
    assert msg.startswith(f"Task {first['id']} is leased to w2 until ")
    assert msg.endswith("only the lease's holder may act on it; nothing was changed.")
    task = Task.objects.get(id=first["id"])
    assert task.status == "processing" and task.task_output is None
    done = report(other_worker, second, status="completed")
    assert ok(done)["status"] == "completed"


def test_a_worker_report_without_lease_token_is_refused(worker_api, create_task):
    create_task()
    data = claim_as(worker_api, "w1")
    msg = error(patch(worker_api, data["id"], status="completed", task_output={"a": 1}), 400)
    assert msg.startswith("lease_token: A worker acts only on the tasks it holds")
    task = Task.objects.get(id=data["id"])
    assert task.status == "processing" and task.task_output is None


def test_reports_without_lease_fields_work_for_clients_once_no_one_holds_the_task(
    api, worker_api, create_task
):
    create_task()
    data = claim_as(worker_api, "w1")
    assert "is leased to w1" in error(patch(api, data["id"], status="completed"), 400)
    expire(data["id"])
    assert ok(patch(api, data["id"], status="completed", task_output={"a": 1}))["status"] == (
        "completed"
    )


def test_batch_update_checks_the_lease_of_every_task(api, worker_api, other_worker, create_task):
    create_task(commit_id="c1")
    create_task(commit_id="c2")
    data = ok(
        worker_api.post(
            "/api/tasks/claim",
            {"task_types": ["video_generation"], "worker_id": "w1", "max_tasks": 2},
            format="json",
        )
    )
    other = create_task(commit_id="c3")
    [theirs] = ok(
        other_worker.post(
            "/api/tasks/claim", {"task_types": ["video_generation"], "max_tasks": 1}, format="json"
        )
    )
    assert theirs["id"] == other["id"]
    url = "/api/tasks/batch-update"
    mine = {"commit_ids": ["c1", "c2"], "status": "completed"}
    # Another worker with our token, a client, and we ourselves without the token: refused.
    body = {**mine, "worker_id": "w1", "lease_token": data[0]["lease_token"]}
    assert "lease_token does not match" in error(other_worker.patch(url, body, format="json"), 400)
    assert "is leased to w1" in error(api.patch(url, mine, format="json"), 400)
    assert error(worker_api.patch(url, mine, format="json"), 400).startswith("lease_token:")
    # One task of the batch held by another client refuses the whole batch.
    body = {"commit_ids": ["c1", "c2", "c3"], "status": "completed"}
    body["lease_token"] = data[0]["lease_token"]
    msg = error(worker_api.patch(url, body, format="json"), 400)
    assert msg.startswith(f"lease_token does not match the current lease of task {other['id']}")
    assert Task.objects.filter(status="completed").count() == 0
    body = {"task_ids": [t["id"] for t in data], "status": "completed"}
    body["lease_token"] = data[0]["lease_token"]
    done = ok(worker_api.patch(url, body, format="json"))
    assert {t["status"] for t in done} == {"completed"}
    assert Task.objects.get(id=other["id"]).status == "processing"


def test_update_by_commit_id_checks_the_lease(api, worker_api, other_worker, create_task):
    create_task(commit_id="job-1")
    data = claim_as(worker_api, "w1")
    url = "/api/tasks/update-by-commit-id"
    body = {"commit_id": "job-1", "status": "completed", "lease_token": data["lease_token"]}
    assert "lease_token does not match" in error(other_worker.patch(url, body, format="json"), 400)
    assert "is leased to w1" in error(
        api.patch(url, {**body, "lease_token": None}, format="json"), 400
    )
    assert Task.objects.get(id=data["id"]).status == "processing"
    assert ok(worker_api.patch(url, body, format="json"))["status"] == "completed"


def test_reporting_the_same_completion_twice_cascades_once(worker_api, project, create_task):
    root = create_task()
    child = create_task(dependencies=[root["id"]])
    data = claim_as(worker_api, "w1")
    first = ok(report(worker_api, data, status="completed", task_output={"x": 1}))
    second = ok(report(worker_api, data, status="completed", task_output={"x": 1}))
    assert first["status"] == second["status"] == "completed"
    assert first["task_output"] == second["task_output"]
    project.refresh_from_db()
    assert project.completed_tasks == 1
    assert Task.objects.get(id=child["id"]).status == "pending"
    # Once the task left processing, its lease's token may only repeat what it reported.
    assert error(report(worker_api, data, status="failed"), 400) == (
        f"Task {root['id']} is completed: the lease of this token has ended, and only the "
        "same report may be sent again; nothing was changed."
    )
    assert Task.objects.get(id=root["id"]).status == "completed"


def test_an_expired_lease_on_the_last_attempt_fails_the_task_and_project(
    worker_api, project, create_task
):
    create_task(max_attempts=1)
    data = claim_as(worker_api, "w1")
    expire(data["id"])
    body = {"task_types": ["video_generation"]}
    assert worker_api.post("/api/tasks/claim", body, format="json").json()["code"] == 1
    task = Task.objects.get(id=data["id"])
    assert task.status == "failed"
    assert "Lease expired" in task.error_message
    project.refresh_from_db()
    assert project.status == "failed" and project.failed_tasks == 1


def test_reclaim_expired_tasks_command(worker_api, project, create_task, capsys):
    create_task(max_attempts=2)
    create_task(max_attempts=1)
    body = {"task_types": ["video_generation"], "max_tasks": 2}
    claimed = ok(worker_api.post("/api/tasks/claim", body, format="json"))
    for task in claimed:
        expire(task["id"])
    call_command("reclaim_expired_tasks")
    assert "Requeued 1 task(s); failed 1" in capsys.readouterr().out
    statuses = dict(Task.objects.values_list("max_attempts", "status"))
    assert statuses == {2: "pending", 1: "failed"}
