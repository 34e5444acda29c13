"""The one-statement claim (tasks/services/claim_statement.py) deals and leaves what the
general claim does: same tasks in the same order, same payloads, attempts, projects, trail."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.testing import ok
from tasks.models import Task
from tasks.rotation import SEQUENCE
from tasks.task_configs import task_configs_assign
from tasks.testing import claim, report
from tasks.tests.statement_parity import run_both_ways
from workerconfigs.services import worker_config_create

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement claim is PostgreSQL's"
)
MARKER = "picked AS ("


def create(api, project, task_type, **fields):
    body = {"project_id": project.id, "task_type": task_type, **fields}
    return ok(api.post("/api/tasks", body, format="json"), 201)


@pytest.fixture
def same_turns():
    """Each run deals from the same place of the rotation between types (tasks.rotation)."""

    def reset():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval('{SEQUENCE}', 1, false)")

    return reset


def test_types_and_priorities_dealt_alike_with_their_payloads(
    api, worker_api, monkeypatch, same_turns
):
    config = worker_config_create(
        config_name="style", config_type="style", worker_type="render", config_data={"a": 1}
    )

    def scenario(project):
        same_turns()
        first = create(api, project, "draft")
        for task_type, priority in [("a", 5), ("a", 5), ("a", 1), ("b", 5), ("b", 1), ("c", 9)]:
            task = create(api, project, task_type, priority=priority)
            task_configs_assign(
                task_id=task["id"], config_ids=[config.id], override_data={"b": priority}
            )
        create(api, project, "b", priority=5, dependencies=[first["id"]])
        draft = ok(claim(worker_api, "draft"))
        ok(report(worker_api, draft, status="completed", task_output={"script": "..."}))
        return [
            ok(claim(worker_api, "a", "b", max_tasks=4)),
            ok(claim(worker_api, "b", "a")),
            ok(claim(worker_api, "a", "b", max_tasks=5)),
            claim(worker_api, "a", "b").json(),  # nothing left: code 1
        ]

    fast, general = run_both_ways(monkeypatch, scenario, marker=MARKER)
    assert fast == general
    dealt = fast["answers"][0]
    # Priority first, then round-robin between the types (the rotation's turn 1 starts at b).
    assert [(task["task_type"], task["priority"]) for task in dealt] == [
        ("b", 5),
        ("a", 5),
        ("b", 5),
        ("a", 5),
    ]
    assert dealt[0]["configs"][0]["config_data"] == {"a": 1, "b": 5}
    assert fast["answers"][3]["code"] == 1


def test_what_it_does_not_take_is_claimed_as_before(api, worker_api, monkeypatch, same_turns):
    def scenario(project):
        same_turns()
        plain = create(api, project, "plain", max_attempts=2)
        ok(claim(worker_api, "plain"))  # in one statement
        # A lease that ran out, and a task needing a platform with no account: the general
        # claim's cases (the lease ended on the way; the task passed over).
        Task.objects.filter(id=plain["id"]).update(
            lease_expires_at=timezone.now() - timedelta(seconds=1)
        )
        create(api, project, "platform", platform="runway")
        return [ok(claim(worker_api, "plain")), claim(worker_api, "platform").json()]

    fast, general = run_both_ways(monkeypatch, scenario, marker=MARKER)
    assert fast == general
    assert fast["answers"][0]["attempts"] == 2
    assert [attempt[2] for attempt in fast["attempts"]] == ["lease_expired", None]
