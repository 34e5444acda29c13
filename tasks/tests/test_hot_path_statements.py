"""What the worker protocol's hot path costs the database, with token lookups cached as in
production (SHORTSGEN_TOKEN_CACHE_SECONDS): a claim and a completion, statement by statement.
docs/performance.md keeps the same table."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from core.testing import ok
from projects.models import Project
from tasks.models import Task
from tasks.testing import claim, report

POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def cached_tokens(settings):
    settings.SHORTSGEN_TOKEN_CACHE_SECONDS = 5


@pytest.fixture
def started_project(worker_api, create_task):
    """Two ready tasks of a project already started (its first claim done), the token and the
    trail's content types cached: what a busy worker meets."""
    for _ in range(3):
        create_task()
    ContentType.objects.get_for_models(Project, Task)
    ok(claim(worker_api, "video_generation"))


def test_a_claim_is_one_statement_on_postgresql_and_costs_no_auth_query(
    worker_api, started_project, django_assert_num_queries
):
    # PostgreSQL: savepoint, the claim (claim_statement: candidates, UPDATE, attempts, the
    # projects started, the trail, the payload), release. SQLite: savepoint, the candidates,
    # the tasks' UPDATE, the attempts' INSERT, the trail's INSERT, the dependencies'
    # outputs, the merged configs, release.
    with django_assert_num_queries(3 if POSTGRESQL else 8) as queries:
        ok(claim(worker_api, "video_generation"))
    assert not [q for q in queries.captured_queries if "knox_authtoken" in q["sql"]]


def test_a_completion_is_one_statement_on_postgresql(
    worker_api, started_project, django_assert_num_queries
):
    claimed = ok(claim(worker_api, "video_generation"))
    # PostgreSQL: savepoint, the completion (completion_statement: the task, its attempt,
    # its dependents, its project's counters and status, the trail), release. SQLite:
    # savepoint, lock the task, its dependency ids, the task's UPDATE, the attempt's
    # UPDATE, the dependents' promotion, the project's read and UPDATE, the trail, release.
    with django_assert_num_queries(3 if POSTGRESQL else 10) as queries:
        ok(report(worker_api, claimed, status="completed", task_output={"url": "s3://x"}))
    assert not [q for q in queries.captured_queries if "knox_authtoken" in q["sql"]]


@pytest.mark.skipif(not POSTGRESQL, reason="the one-statement paths are PostgreSQL's")
def test_a_batch_is_one_statement_each_way_whatever_its_size(
    worker_api, create_task, django_assert_num_queries
):
    for _ in range(20):
        create_task()
    ContentType.objects.get_for_models(Project, Task)
    claim(worker_api, "nothing-of-this-type")  # the token cached
    with django_assert_num_queries(3):
        tasks = ok(claim(worker_api, "video_generation", max_tasks=20))
    assert len(tasks) == 20
    body = {
        "task_ids": [task["id"] for task in tasks],
        "lease_token": tasks[0]["lease_token"],
        "status": "completed",
    }
    with django_assert_num_queries(3):
        done = ok(worker_api.patch("/api/tasks/batch-update", body, format="json"))
    assert {task["status"] for task in done} == {"completed"}
    # The project started with the first claim and completed with the last report, in the
    # same statements.
    assert Project.objects.get().status == Project.Status.COMPLETED
