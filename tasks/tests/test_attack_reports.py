"""Findings 4 and 8: reports come from the lease holder; the task state machine has no holes."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import PlatformAccount
from accounts.services import account_create
from core.actors import Actor
from core.roles import Role
from core.testing import error, ok, token_client
from projects.models import Project
from projects.services import project_delete
from tasks.models import Task
from tasks.services import TaskSpec, task_release, tasks_create


@pytest.fixture
def project(db):
    return Project.objects.create(name="p", project_type="custom")


@pytest.fixture
def other_worker(db):
    return token_client("worker-2", Role.WORKER)


def new_task(api, project, **fields):
    body = {"project_id": project.id, "task_type": "render", **fields}
    return ok(api.post("/api/tasks", body, format="json"), 201)


def claim(worker):
    return ok(worker.post("/api/tasks/claim", {"task_types": ["render"]}, format="json"))


def unchanged(task_id, claimed) -> bool:
    task = Task.objects.get(id=task_id)
    return (task.status, task.lease_token, task.task_output) == (
        "processing",
        claimed["lease_token"],
        None,
    )


def test_another_worker_cannot_report_heartbeat_or_release_a_held_task(
    api, worker_api, other_worker, project
):
    task = new_task(api, project)
    claimed = claim(worker_api)
    # Naming the holder's worker_id (readable from GET /api/tasks/{id}) proves nothing.
    forged = {"status": "completed", "worker_id": claimed["worker_id"], "task_output": {"x": 1}}
    assert error(other_worker.patch(f"/api/tasks/{task['id']}", forged, format="json"), 400)
    for action in ("release", "heartbeat"):
        body = {"worker_id": claimed["worker_id"]}
        url = f"/api/tasks/{task['id']}/{action}"
        assert error(other_worker.post(url, body, format="json"), 400)
    # Its own claim's token does not fit another task either.
    new_task(api, project)
    own = claim(other_worker)
    forged["lease_token"] = own["lease_token"]
    msg = error(other_worker.patch(f"/api/tasks/{task['id']}", forged, format="json"), 400)
    assert msg.startswith("lease_token does not match")
    assert unchanged(task["id"], claimed)


def test_a_worker_must_send_its_lease_token(api, worker_api, project):
    task = new_task(api, project)
    claimed = claim(worker_api)
    response = worker_api.patch(f"/api/tasks/{task['id']}", {"status": "completed"}, format="json")
    assert error(response, 400).startswith("lease_token: A worker acts only on the tasks it holds")
    assert unchanged(task["id"], claimed)


def test_a_client_cannot_complete_a_task_a_worker_holds(api, worker_api, project):
    task = new_task(api, project, commit_id="job-1")
    claimed = claim(worker_api)
    body = {"status": "completed", "task_output": {"stolen": True}}
    msg = error(api.patch(f"/api/tasks/{task['id']}", body, format="json"), 400)
    assert "only the lease's holder may act on it" in msg
    body["commit_id"] = "job-1"
    assert error(api.patch("/api/tasks/update-by-commit-id", body, format="json"), 400)
    body = {"commit_ids": ["job-1"], "status": "failed"}
    assert error(api.patch("/api/tasks/batch-update", body, format="json"), 400)
    assert unchanged(task["id"], claimed)


@pytest.mark.parametrize("role", [Role.CLIENT, Role.WORKER])
def test_only_n8n_reaches_the_webhooks(api, worker_api, project, role):
    task = new_task(api, project)
    caller = api if role == Role.CLIENT else worker_api
    body = {"status": "completed", "task_output": {"forged": True}, "executionId": "pre-empt"}
    response = caller.post(f"/api/webhooks/n8n/task_update/{task['id']}", body, format="json")
    assert error(response, 403)
    assert Task.objects.get(id=task["id"]).status == "pending"
    from webhooks.models import WebhookEvent

    assert not WebhookEvent.objects.exists()


def test_processing_set_by_a_client_gets_a_lease_and_is_reclaimed(api, worker_api, project):
    created = new_task(api, project, status="processing", max_attempts=2)
    patched = new_task(api, project, max_attempts=2)
    ok(api.patch(f"/api/tasks/{patched['id']}", {"status": "processing"}, format="json"))
    for task in Task.objects.all():
        assert task.status == "processing"
        assert task.lease_token and task.lease_expires_at > timezone.now()
        assert task.worker_id == "test-client"
    Task.objects.update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    body = {"task_types": ["render"], "max_tasks": 10}
    reclaimed = ok(worker_api.post("/api/tasks/claim", body, format="json"))
    assert sorted(t["id"] for t in reclaimed) == sorted([created["id"], patched["id"]])


def test_a_processing_task_no_claim_counted_is_released_without_going_negative(
    api, worker_api, project, django_user_model
):
    task = new_task(api, project, status="processing")
    # A worker cannot release what a client holds (and that is a 400, not a 500)...
    body = {"lease_token": "0" * 32}
    assert error(worker_api.post(f"/api/tasks/{task['id']}/release", body, format="json"), 400)
    # ...an operator can, and the attempt that was never counted is not refunded below 0.
    operator = django_user_model.objects.create_user("op", password="long-enough-pw-1")
    released = task_release(task_id=task["id"], actor=Actor.operator(operator))
    assert (released.status, released.attempts) == ("pending", 0)


def test_regenerate_rotates_the_lease_so_a_stale_worker_cannot_complete(api, worker_api, project):
    task = new_task(api, project)
    claimed = claim(worker_api)
    ok(api.post(f"/projects/{project.id}/regenerate", {}, format="json"))
    body = {"status": "completed", "lease_token": claimed["lease_token"]}
    assert error(worker_api.patch(f"/api/tasks/{task['id']}", body, format="json"), 400)
    fresh = Task.objects.get(id=task["id"])
    assert (fresh.status, fresh.lease_token, fresh.task_output) == ("pending", None, None)


def test_an_undecryptable_account_undoes_the_claim(api, worker_api, project):
    account = account_create(platform="dreamina", name="broken", credentials={"k": "v"})
    PlatformAccount.objects.filter(id=account.id).update(credentials_encrypted="garbage")
    task = new_task(api, project, platform_account_id=account.id)
    response = worker_api.post("/api/tasks/claim", {"task_types": ["render"]}, format="json")
    assert "cannot be decrypted" in error(response, 503)
    fresh = Task.objects.get(id=task["id"])
    assert (fresh.status, fresh.attempts, fresh.lease_token) == ("pending", 0, None)
    assert PlatformAccount.objects.get(id=account.id).used_today == 0


@pytest.mark.django_db(transaction=True)
def test_tasks_created_during_a_project_delete_are_deleted_with_it():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (FOR SHARE / FOR UPDATE) are PostgreSQL's; SQLite serialises")
    project = Project.objects.create(name="p", project_type="custom")
    created, proceed, errors = threading.Event(), threading.Event(), []

    def create():
        try:
            with transaction.atomic():
                tasks_create([TaskSpec(project_id=project.id, task_type="late")])
                created.set()
                proceed.wait(10)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def delete():
        try:
            project_delete(project=project)
        finally:
            connection.close()

    creator = threading.Thread(target=create)
    creator.start()
    assert created.wait(10)
    deleter = threading.Thread(target=delete)
    deleter.start()
    deleter.join(1)
    assert deleter.is_alive(), "the delete must wait for the creation holding the project"
    proceed.set()
    creator.join(10)
    deleter.join(10)
    assert errors == []
    assert Project.all_objects.get(id=project.id).deleted_at is not None
    assert not Task.objects.filter(project_id=project.id).exists()
    assert Task.all_objects.filter(project_id=project.id).count() == 1


def test_after_its_lease_ended_a_worker_may_only_repeat_its_report(api, worker_api, project):
    task = new_task(api, project)
    claimed = claim(worker_api)
    url, token = f"/api/tasks/{task['id']}", claimed["lease_token"]
    done = {"status": "completed", "task_output": {"x": 1}, "lease_token": token}
    first = ok(worker_api.patch(url, done, format="json"))
    assert ok(worker_api.patch(url, done, format="json")) == first
    for late in (
        {**done, "task_output": {"x": 2}},
        {"task_output": {"x": 3}, "error_message": "late", "lease_token": token},
        {"status": "failed", "lease_token": token},
    ):
        assert "only the same report may be sent again" in error(
            worker_api.patch(url, late, format="json"), 400
        )
    stored = Task.objects.get(id=task["id"])
    assert (stored.status, stored.task_output, stored.error_message) == (
        "completed",
        {"x": 1},
        None,
    )


def test_a_repeated_failure_waiting_for_its_retry_changes_nothing(api, worker_api, project):
    task = new_task(api, project, max_attempts=3)
    claimed = claim(worker_api)
    url = f"/api/tasks/{task['id']}"
    failed = {"status": "failed", "error_message": "boom", "lease_token": claimed["lease_token"]}
    first = ok(worker_api.patch(url, failed, format="json"))
    assert first["status"] == "pending"  # back in the queue for its retry
    assert ok(worker_api.patch(url, failed, format="json")) == first
    sneaky = {"status": "pending", "task_output": {"x": 1}, "lease_token": claimed["lease_token"]}
    assert error(worker_api.patch(url, sneaky, format="json"), 400)
    assert Task.objects.get(id=task["id"]).task_output is None
