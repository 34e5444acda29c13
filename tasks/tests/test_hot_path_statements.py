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


def test_a_claim_costs_eight_statements_and_no_auth_query(
    worker_api, started_project, django_assert_num_queries
):
    # savepoint, the candidates (one statement, their projects' status with them), the
    # tasks' UPDATE, the attempts' INSERT, the trail's INSERT, the dependencies' outputs, the
    # merged configs, release
    with django_assert_num_queries(8) as queries:
        ok(claim(worker_api, "video_generation"))
    assert not [q for q in queries.captured_queries if "knox_authtoken" in q["sql"]]


def test_a_completion_costs_nine_statements_on_postgresql(
    worker_api, started_project, django_assert_num_queries
):
    claimed = ok(claim(worker_api, "video_generation"))
    # savepoint, lock the task, its dependency ids, the task's UPDATE, the attempt's UPDATE,
    # the dependents' promotion, the project's counters and status (one statement on
    # PostgreSQL; a read and an UPDATE on SQLite), the trail's INSERT, release
    with django_assert_num_queries(9 if POSTGRESQL else 10) as queries:
        ok(report(worker_api, claimed, status="completed", task_output={"url": "s3://x"}))
    assert not [q for q in queries.captured_queries if "knox_authtoken" in q["sql"]]
