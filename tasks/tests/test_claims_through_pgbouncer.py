"""Worker processes behind PgBouncer 1.18 in transaction mode (the test starts its own), each
configured by its environment alone: with DATABASE_PREPARED_STATEMENTS=false they claim and
complete on server connections shared with other clients; with it on, a prepared statement
meets another client's on the same server connection and fails."""

import json
import re
import subprocess
import sys
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from core.testing_environment import production_env
from projects.models import Project
from tasks.models import Task
from tasks.services import TaskSpec, tasks_create
from tasks.testing import worker_actor

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PgBouncer pools PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

IGNORING_OPTIONS = ("extra_float_digits", "options")


def _tasks(count: int) -> Project:
    project = Project.objects.create(name="pooled", project_type="x")
    tasks_create([TaskSpec(project_id=project.id, task_type="pooled")] * count)
    return project


def _start_worker(name: str, url: str, prepared: bool) -> subprocess.Popen:
    worker_actor(name)  # its API client, made here: the processes never race to create it
    env = production_env(
        DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="true" if prepared else "false"
    )
    return subprocess.Popen(
        [sys.executable, "-m", "tasks.testing_worker_process", name, "pooled"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen) -> tuple[int, dict | None, str]:
    stdout, stderr = process.communicate(timeout=300)
    return process.returncode, json.loads(stdout) if process.returncode == 0 else None, stderr


def test_worker_processes_without_prepared_statements_share_a_small_pool(pgbouncer):
    bouncer = pgbouncer(pool_size=2)
    project = _tasks(300)
    processes = [_start_worker(f"pooled-{i}", bouncer.url, prepared=False) for i in range(4)]
    finished = [_finish(process) for process in processes]
    assert [returncode for returncode, _, _ in finished] == [0] * 4, [e for *_, e in finished]
    reports = [report for _, report, _ in finished]
    done = Counter(task_id for report in reports for task_id in report["completed"])
    assert len(done) == 300
    assert set(done.values()) == {1}
    # Four clients, two server processes behind all of them, and clients handed more than
    # one: server connections really were shared between transactions of different clients.
    assert len({pid for report in reports for pid in report["backends"]}) <= 2
    assert any(len(report["backends"]) > 1 for report in reports)
    project.refresh_from_db()
    assert (project.completed_tasks, project.failed_tasks, project.status) == (300, 0, "completed")
    assert Task.objects.filter(status="completed").count() == 300


def test_prepared_statements_fail_on_a_server_connection_another_client_prepared_on(pgbouncer):
    # The startup option ignored, as an operator would to let the connection in; one server
    # connection, so the second client is handed the first one's, statements and all.
    bouncer = pgbouncer(pool_size=1, ignore_startup_parameters=IGNORING_OPTIONS)
    _tasks(20)
    returncode, first, stderr = _finish(_start_worker("first", bouncer.url, prepared=True))
    assert returncode == 0, stderr
    assert len(first["completed"]) == 20
    returncode, _, stderr = _finish(_start_worker("second", bouncer.url, prepared=True))
    assert returncode != 0
    assert re.search(r'prepared statement "_pg3_\d+" already exists', stderr), stderr


def test_the_same_clients_without_prepared_statements_go_on(pgbouncer):
    bouncer = pgbouncer(pool_size=1, ignore_startup_parameters=IGNORING_OPTIONS)
    _tasks(20)
    for name, expected in (("first", 20), ("second", 0)):
        returncode, report, stderr = _finish(_start_worker(name, bouncer.url, prepared=False))
        assert returncode == 0, stderr
        assert len(report["completed"]) == expected


def test_prepared_statements_are_refused_by_a_pgbouncer_that_does_not_ignore_options(pgbouncer):
    bouncer = pgbouncer()
    _tasks(1)
    returncode, _, stderr = _finish(_start_worker("refused", bouncer.url, prepared=True))
    assert returncode != 0
    assert "unsupported startup parameter: options" in stderr
