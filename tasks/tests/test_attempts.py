"""Each lease recorded as an attempt: opened by the claim, closed however the lease ends; and
the last worker_id kept on the task."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.testing import ok
from tasks.models import Task, TaskAttempt
from tasks.services import tasks_claim, tasks_reclaim_expired, tasks_requeue_project
from tasks.testing import claim, report, worker_actor

Outcome = TaskAttempt.Outcome


def attempts_of(task_id):
    return list(
        TaskAttempt.objects.filter(task_id=task_id).values_list(
            "number", "worker_id", "outcome", "error_message"
        )
    )


def expire(task_id, minutes=5):
    Task.objects.filter(id=task_id).update(
        lease_expires_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_a_claim_opens_one_attempt_per_task(worker_api, create_task):
    ids = [create_task()["id"] for _ in range(3)]
    claimed = ok(claim(worker_api, "video_generation", max_tasks=3, worker_id="gpu-7"))
    assert sorted(t["id"] for t in claimed) == ids
    rows = TaskAttempt.objects.filter(task_id__in=ids)
    assert rows.count() == 3
    for row in rows:
        assert (row.number, row.worker_id, row.outcome, row.finished_at) == (1, "gpu-7", None, None)
        assert row.lease_holder.username == "test-worker"
        assert row.claimed_at is not None


def test_completing_closes_the_attempt_and_keeps_the_worker(worker_api, create_task):
    task = create_task()
    claimed = ok(claim(worker_api, "video_generation", worker_id="gpu-7"))
    done = ok(report(worker_api, claimed, status="completed", task_output={"url": "u"}))
    assert done["worker_id"] == "gpu-7"
    assert attempts_of(task["id"]) == [(1, "gpu-7", Outcome.COMPLETED, None)]
    row = TaskAttempt.objects.get(task_id=task["id"])
    assert row.finished_at >= row.claimed_at
    assert row.duration is not None


def test_a_failure_with_attempts_left_closes_it_failed_and_the_retry_opens_another(
    worker_api, create_task
):
    task = create_task(max_attempts=2)
    claimed = ok(claim(worker_api, "video_generation", worker_id="gpu-7"))
    data = ok(report(worker_api, claimed, status="failed", error_message="CUDA out of memory"))
    assert (data["status"], data["worker_id"]) == ("pending", "gpu-7")
    assert attempts_of(task["id"]) == [(1, "gpu-7", Outcome.FAILED, "CUDA out of memory")]
    Task.objects.filter(id=task["id"]).update(available_at=timezone.now())
    again = ok(claim(worker_api, "video_generation", worker_id="gpu-8"))
    ok(report(worker_api, again, status="failed", error_message="again"))
    assert attempts_of(task["id"]) == [
        (1, "gpu-7", Outcome.FAILED, "CUDA out of memory"),
        (2, "gpu-8", Outcome.FAILED, "again"),
    ]
    failed = Task.objects.get(id=task["id"])
    assert (failed.status, failed.worker_id) == (Task.Status.FAILED, "gpu-8")


def test_release_closes_the_attempt_released(worker_api, create_task):
    task = create_task()
    claimed = ok(claim(worker_api, "video_generation", worker_id="gpu-7"))
    body = {"lease_token": claimed["lease_token"]}
    ok(worker_api.post(f"/api/tasks/{task['id']}/release", body, format="json"))
    assert attempts_of(task["id"]) == [(1, "gpu-7", Outcome.RELEASED, None)]
    # The release refunded the attempt: the next claim carries number 1 again.
    ok(claim(worker_api, "video_generation", worker_id="gpu-8"))
    assert attempts_of(task["id"])[1] == (1, "gpu-8", None, None)


def test_a_claim_taking_over_an_expired_lease_closes_the_old_attempt(worker_api, create_task):
    task = create_task(max_attempts=3)
    ok(claim(worker_api, "video_generation", worker_id="crashed"))
    expire(task["id"])
    expires_at = Task.objects.get(id=task["id"]).lease_expires_at
    ok(claim(worker_api, "video_generation", worker_id="gpu-8"))
    first, second = TaskAttempt.objects.filter(task_id=task["id"])
    assert (first.worker_id, first.outcome) == ("crashed", Outcome.LEASE_EXPIRED)
    assert first.finished_at == expires_at  # when the lease ran out, not when noticed
    assert first.error_message == "Lease expired; the worker did not report."
    assert (second.number, second.worker_id, second.outcome) == (2, "gpu-8", None)


def test_an_expired_lease_on_the_last_attempt_fails_the_task_keeping_its_worker(
    worker_api, create_task
):
    task = create_task(max_attempts=1)
    ok(claim(worker_api, "video_generation", worker_id="crashed"))
    expire(task["id"])
    assert tasks_reclaim_expired() == {"requeued": 0, "failed": 1}
    failed = Task.objects.get(id=task["id"])
    assert (failed.status, failed.worker_id) == (Task.Status.FAILED, "crashed")
    assert attempts_of(task["id"])[0][:3] == (1, "crashed", Outcome.LEASE_EXPIRED)


def test_reclaiming_expired_leases_closes_their_attempts(worker_api, create_task):
    task = create_task(max_attempts=2)
    ok(claim(worker_api, "video_generation", worker_id="crashed"))
    expire(task["id"])
    assert tasks_reclaim_expired() == {"requeued": 1, "failed": 0}
    requeued = Task.objects.get(id=task["id"])
    assert (requeued.status, requeued.worker_id) == (Task.Status.PENDING, "crashed")
    assert attempts_of(task["id"])[0][:3] == (1, "crashed", Outcome.LEASE_EXPIRED)


def test_regenerating_the_project_closes_running_attempts_requeued(
    worker_api, create_task, project
):
    task = create_task()
    ok(claim(worker_api, "video_generation", worker_id="gpu-7"))
    tasks_requeue_project(project)
    assert attempts_of(task["id"]) == [(1, "gpu-7", Outcome.REQUEUED, None)]
    # A new run from scratch: attempts and the worker are reset on the task, kept on its record.
    fresh = Task.objects.get(id=task["id"])
    assert (fresh.attempts, fresh.worker_id) == (0, None)


def test_an_operator_failing_a_processing_task_closes_its_attempt(api, worker_api, create_task):
    from core.actors import Actor
    from tasks.services import task_update

    task = create_task()
    ok(claim(worker_api, "video_generation", worker_id="gpu-7"))
    task_update(
        task_id=task["id"],
        actor=Actor.system("test"),
        status=Task.Status.FAILED,
        error_message="stuck: failed by an operator",
    )
    assert attempts_of(task["id"]) == [(1, "gpu-7", Outcome.FAILED, "stuck: failed by an operator")]


def test_an_edit_back_to_pending_closes_the_attempt_requeued(worker_api, create_task):
    from core.actors import Actor
    from tasks.services import task_update

    task = create_task()
    ok(claim(worker_api, "video_generation", worker_id="gpu-7"))
    task_update(task_id=task["id"], actor=Actor.system("test"), status=Task.Status.PENDING)
    assert attempts_of(task["id"]) == [(1, "gpu-7", Outcome.REQUEUED, None)]


def test_a_batch_claim_opens_its_attempts_in_one_insert(create_task, django_assert_num_queries, db):
    for _ in range(20):
        create_task()
    actor = worker_actor()
    with django_assert_num_queries(5) as queries:
        # candidates, tasks, project, the attempts (one INSERT for 20), the audit trail's
        # entries (one INSERT for 20)
        tasks = tasks_claim(actor=actor, task_types=["video_generation"], max_tasks=20)
    assert len(tasks) == 20
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == 2
    assert TaskAttempt.objects.filter(outcome__isnull=True).count() == 20


@pytest.mark.parametrize("status", ["completed", "failed"])
def test_a_report_closes_the_attempt_in_one_statement(
    worker_api, create_task, django_assert_num_queries, status
):
    create_task(max_attempts=1)
    claimed = ok(claim(worker_api, "video_generation"))
    body = {"status": status, "task_output": {"x": 1}}
    # token (2), savepoint, lock the task, update it, close the attempt (issue 10: one more),
    # promote dependents (completed only), the project's counters and status (one statement
    # on PostgreSQL, a read and an UPDATE on SQLite), the audit trail's INSERT, dependency
    # ids, release. A completion on PostgreSQL: token (2), savepoint, one statement, release.
    if status == "completed" and connection.vendor == "postgresql":
        expected = 5
    else:
        expected = (12 if status == "completed" else 11) - (connection.vendor == "postgresql")
    with django_assert_num_queries(expected):
        ok(report(worker_api, claimed, **body))
