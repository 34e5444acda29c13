"""The one-statement completion (tasks/services/completion_statement.py) leaves what the
general lifecycle (`move`) leaves: same answers, tasks, attempts, counters and trail."""

import pytest
from django.db import connection

from core.testing import error, ok
from tasks.models import Task
from tasks.testing import claim, report
from tasks.tests.statement_parity import run_both_ways

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement completion is PostgreSQL's"
)
MARKER = "WITH locked AS"


def create(api, project, task_type="render", **fields):
    body = {"project_id": project.id, "task_type": task_type, **fields}
    return ok(api.post("/api/tasks", body, format="json"), 201)


def test_a_graph_completed_one_report_at_a_time(api, worker_api, monkeypatch):
    def scenario(project):
        first, second = create(api, project), create(api, project)
        join = create(api, project, "join", dependencies=[first["id"], second["id"]])
        create(api, project, "last", dependencies=[join["id"]])
        answers = []
        for task_type, output in [
            ("render", {"url": "s3://a"}),
            ("render", {"text": "x" * 2000}),  # longer than the trail keeps
            ("join", None),
            ("last", {}),
        ]:
            claimed = ok(claim(worker_api, task_type))
            body = {"status": "completed"}
            if output is not None:
                body["task_output"] = output
            answers.append(ok(report(worker_api, claimed, **body)))
        return answers

    fast, general = run_both_ways(monkeypatch, scenario, marker=MARKER)
    assert fast == general
    # The last report completed the project, in the same statement.
    assert fast["project"]["status"] == "completed"
    assert [entry[0] for entry in fast["trail"]][-2:] == ["task.report", "project.status"]


def test_a_batch_completed_in_one_report(api, worker_api, monkeypatch):
    def scenario(project):
        roots = [create(api, project) for _ in range(3)]
        create(api, project, "join", dependencies=[roots[0]["id"], roots[1]["id"]])
        claimed = ok(claim(worker_api, "render", max_tasks=3))
        body = {
            "task_ids": [task["id"] for task in claimed],
            "lease_token": claimed[0]["lease_token"],
            "status": "completed",
            "task_output": {"ok": True},
        }
        return ok(worker_api.patch("/api/tasks/batch-update", body, format="json"))

    fast, general = run_both_ways(monkeypatch, scenario, marker=MARKER)
    assert fast == general
    assert [task["status"] for task in fast["tasks"]] == ["completed"] * 3 + ["pending"]


def test_what_it_does_not_take_is_answered_as_before(api, worker_api, monkeypatch):
    def scenario(project):
        held = ok(claim(worker_api, create(api, project)["task_type"]))
        stale = report(worker_api, {**held, "lease_token": "0" * 32}, status="completed")
        answers = [
            error(stale, 400).replace(str(held["id"]), "(id)"),
            ok(report(worker_api, held, status="completed")),
            # The same report again: answered, nothing changes.
            ok(report(worker_api, held, status="completed")),
            error(report(worker_api, {**held, "id": 999_999}, status="completed"), 404),
        ]
        return answers

    fast, general = run_both_ways(monkeypatch, scenario, marker=MARKER)
    assert fast == general


def test_a_batch_with_a_task_it_does_not_hold_changes_nothing(
    api, worker_api, other_worker, project
):
    tasks = [create(api, project) for _ in range(2)]
    mine = ok(claim(worker_api, "render"))
    theirs = ok(claim(other_worker, "render"))
    body = {
        "task_ids": [mine["id"], theirs["id"]],
        "lease_token": mine["lease_token"],
        "status": "completed",
    }
    assert error(worker_api.patch("/api/tasks/batch-update", body, format="json"), 400)
    statuses = Task.objects.filter(id__in=[t["id"] for t in tasks]).values_list("status")
    assert {status for (status,) in statuses} == {"processing"}
