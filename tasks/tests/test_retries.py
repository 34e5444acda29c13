"""Failed attempts with attempts left are retried after an exponential backoff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing import ok
from tasks.models import Task
from tasks.services.lifecycle import retry_delay
from tasks.testing import patch, report


@pytest.fixture(autouse=True)
def backoff(settings):
    settings.TASK_RETRY_BACKOFF_BASE_SECONDS = 10
    settings.TASK_RETRY_BACKOFF_MAX_SECONDS = 35


def claim_one(worker_api):
    body = {"task_types": ["video_generation"], "worker_id": "w"}
    return worker_api.post("/api/tasks/claim", body, format="json")


def make_ready(task_id):
    Task.objects.filter(id=task_id).update(available_at=timezone.now())


def test_the_backoff_doubles_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 35, 35]


def test_a_failed_attempt_with_attempts_left_waits_then_comes_back(
    worker_api, project, create_task
):
    task = create_task(max_attempts=3)
    claimed = ok(claim_one(worker_api))
    assert claimed["id"] == task["id"]
    before = timezone.now()
    data = ok(report(worker_api, claimed, status="failed", error_message="boom"))
    assert data["status"] == "pending"
    assert data["error_message"] == "boom"
    stored = Task.objects.get(id=task["id"])
    delay = stored.available_at - before
    assert timedelta(seconds=9) < delay <= timedelta(seconds=11)
    assert claim_one(worker_api).json()["code"] == 1  # not before its time
    make_ready(task["id"])
    assert ok(claim_one(worker_api))["attempts"] == 2
    project.refresh_from_db()
    assert project.failed_tasks == 0 and project.status == "processing"


def test_the_second_retry_waits_twice_as_long(worker_api, create_task):
    task = create_task(max_attempts=3)
    ok(report(worker_api, ok(claim_one(worker_api)), status="failed"))
    make_ready(task["id"])
    claimed = ok(claim_one(worker_api))
    before = timezone.now()
    ok(report(worker_api, claimed, status="failed"))
    delay = Task.objects.get(id=task["id"]).available_at - before
    assert timedelta(seconds=19) < delay <= timedelta(seconds=21)


def test_a_task_failing_every_time_fails_after_max_attempts(worker_api, project, create_task):
    task = create_task(max_attempts=3)
    create_task(dependencies=[task["id"]])
    statuses = []
    for _ in range(3):
        claimed = ok(claim_one(worker_api))
        assert claimed["id"] == task["id"]
        failed = ok(report(worker_api, claimed, status="failed", error_message="x"))
        statuses.append(failed["status"])
        make_ready(task["id"])
    assert statuses == ["pending", "pending", "failed"]
    assert claim_one(worker_api).json()["code"] == 1
    stored = Task.objects.get(id=task["id"])
    assert stored.attempts == 3 and stored.status == "failed"
    project.refresh_from_db()
    assert project.status == "failed"
    assert project.failed_tasks == 1


def test_without_max_attempts_a_failure_is_final(worker_api, project, create_task):
    task = create_task()
    claimed = ok(claim_one(worker_api))
    assert claimed["id"] == task["id"]
    assert ok(report(worker_api, claimed, status="failed"))["status"] == "failed"
    project.refresh_from_db()
    assert project.status == "failed"


def test_an_operator_failing_a_pending_task_is_not_retried(api, create_task):
    task = create_task(max_attempts=5)
    assert ok(patch(api, task["id"], status="failed"))["status"] == "failed"
