"""The prepared claim and completion keep working when another host's migration adds a
column to the tasks table while this process's connection holds them prepared (a rolling
deploy): PostgreSQL re-plans them, and their answers keep the columns they had."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from core.testing import ok
from projects.models import Project
from tasks.testing import claim, report

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS,
        reason="prepared statements are PostgreSQL's",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def another_host():
    """A connection of its own, as another host's migration has; the column it adds goes
    at the end of the test."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        yield other
        other.execute("ALTER TABLE tasks_task DROP COLUMN IF EXISTS added_by_a_migration")


def test_a_column_added_meanwhile_breaks_neither(api, worker_api, another_host):
    project = Project.objects.create(name="p", project_type="x")
    for _ in range(2):
        ok(api.post("/api/tasks", {"project_id": project.id, "task_type": "t"}, format="json"), 201)
    first = ok(claim(worker_api, "t"))  # both statements prepared on this connection
    ok(report(worker_api, first, status="completed"))
    another_host.execute("ALTER TABLE tasks_task ADD COLUMN added_by_a_migration integer")
    second = ok(claim(worker_api, "t"))
    assert "added_by_a_migration" not in second
    assert ok(report(worker_api, second, status="completed"))["status"] == "completed"
