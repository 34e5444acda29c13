"""The tasks table's NOTIFY (migration 0010), heard as each process's listener hears it: a
connection of its own LISTENing on the channel, made by `connect_directly`.

PostgreSQL only (SQLite has no NOTIFY; its waiting claims look again every second)."""

import pytest
from django.db import connection, transaction

from accounts.services import account_create
from core.actors import Actor
from projects.models import Project
from tasks.models import Task
from tasks.ready_notifications import CHANNEL, Readiness, connect_directly
from tasks.services import (
    TaskSpec,
    task_delete,
    task_release,
    task_update,
    tasks_claim_with_payloads,
    tasks_create,
)
from tasks.testing import worker_actor

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="NOTIFY is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def heard():
    """`heard()`: the readiness notifications committed since the last call, in order."""
    with connect_directly() as listening:
        listening.execute(f"LISTEN {CHANNEL}")

        def notifications() -> list[Readiness]:
            return [
                Readiness.from_payload(notification.payload)
                for notification in listening.notifies(timeout=0.3)
            ]

        yield notifications


@pytest.fixture
def project(transactional_db):
    return Project.objects.create(name="n", project_type="x")


def make(project, n=1, task_type="render", **fields) -> list[Task]:
    return tasks_create([TaskSpec(project_id=project.id, task_type=task_type, **fields)] * n)


def claim(task_type="render", worker="w") -> Task:
    [task], _ = tasks_claim_with_payloads(actor=worker_actor(worker), task_types=[task_type])
    return task


def test_a_batch_of_ready_tasks_is_one_notification_per_type_and_platform(heard, project):
    tasks_create(
        [TaskSpec(project_id=project.id, task_type="render")] * 50
        + [TaskSpec(project_id=project.id, task_type="render", platform="kling")] * 3
        + [TaskSpec(project_id=project.id, task_type="voice")]
    )
    assert heard() == [
        Readiness("render", ""),
        Readiness("render", "kling"),
        Readiness("voice", ""),
    ]


def test_a_task_bound_to_an_account_is_announced_with_the_account_platform(heard, project):
    account = account_create(platform="runway", name="r-1")
    make(project, platform_account_id=account.id)
    assert heard() == [Readiness("render", "runway")]


def test_a_waiting_task_is_announced_when_its_last_dependency_completes(heard, project):
    [script] = make(project, task_type="script")
    tasks_create([TaskSpec(project_id=project.id, task_type="video", dependencies=[script.id])])
    assert heard() == [Readiness("script", "")]
    held = claim("script")
    assert heard() == []  # a claim makes nothing ready
    task_update(
        task_id=held.id,
        actor=worker_actor("w"),
        lease_token=held.lease_token,
        status="completed",
    )
    assert heard() == [Readiness("video", "")]


def test_a_release_and_a_retry_are_announced(heard, project, settings):
    settings.TASK_RETRY_BACKOFF_BASE_SECONDS = 60
    make(project, max_attempts=3)
    heard()
    held = claim()
    task_release(task_id=held.id, actor=worker_actor("w"), lease_token=held.lease_token)
    assert heard() == [Readiness("render", "")]
    held = claim()
    task_update(
        task_id=held.id,
        actor=worker_actor("w"),
        lease_token=held.lease_token,
        status="failed",
        error_message="flaky",
    )
    # Pending again, from a minute on: the waiting claims read when (claim_waits).
    assert heard() == [Readiness("render", "")]


def test_changes_that_make_nothing_ready_are_silent(heard, project):
    [task] = make(project)
    [other] = make(project, task_type="voice")
    heard()
    task_update(task_id=task.id, actor=Actor.command("test"), priority=5)
    task_delete(task_id=other.id)
    with transaction.atomic():
        make(project, task_type="rolled-back")
        transaction.set_rollback(True)
    assert heard() == []
