"""Who is recorded for a change made through the API, a webhook, a command, or ShortsGen's
own outbound calls; the actor never outlives its request; the hot path pays one INSERT."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import PlatformAccount
from accounts.services import account_create
from core import audit
from core.actors import Actor
from core.models import AuditEntry, WorkflowRun
from core.testing import ok, session_client, trigger_failed
from core.testing_n8n import FakeN8n
from inspirations.models import Inspiration
from inspirations.services import inspiration_create
from projects.models import Project
from tasks.models import Task
from tasks.services import TaskSpec, tasks_create

AUDIT_INSERT = 'INSERT INTO "core_auditentry"'


def newest(action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).first()
    assert entry is not None, (action, list(AuditEntry.objects.values_list("action", flat=True)))
    return entry


def audit_inserts(queries: CaptureQueriesContext) -> int:
    """Statements that write the trail: its own INSERTs, and on PostgreSQL the one-statement
    claim and completion, which insert it among their other writes."""
    return sum(AUDIT_INSERT in q["sql"] for q in queries.captured_queries)


@pytest.fixture
def tasks_of_one_project(db):
    project = Project.objects.create(name="p", project_type="custom")
    return project, tasks_create([TaskSpec(project_id=project.id, task_type="t") for _ in range(5)])


def test_an_api_change_names_the_api_client(api):
    data = ok(api.post("/api/inspirations", {"title": "idea"}, format="json"), 201)
    entry = newest("inspiration.create")
    assert (entry.actor_kind, entry.actor_name, entry.target_id) == (
        "api_client",
        "test-client",
        data["id"],
    )
    assert entry.actor_user.username == "test-client"
    assert entry.to_status == "draft"


def test_an_operator_using_the_api_with_a_session_is_an_operator(db):
    operator = session_client("olga", "operator")
    ok(operator.post("/api/inspirations", {"title": "idea"}, format="json"), 201)
    entry = newest("inspiration.create")
    assert (entry.actor_kind, entry.actor_name) == ("operator", "olga")


def test_a_claim_and_its_report_name_the_worker_and_the_derived_project_status(
    worker_api, tasks_of_one_project
):
    project, _ = tasks_of_one_project
    body = {"task_types": ["t"], "worker_id": "box-7", "max_tasks": 5}
    claimed = ok(worker_api.post("/api/tasks/claim", body, format="json"))
    assert len(claimed) == 5
    claim = newest("task.claim")
    assert (claim.actor_kind, claim.actor_name) == ("api_client", "test-worker")
    assert (claim.from_status, claim.to_status) == ("pending", "processing")
    assert claim.reason == "worker box-7, attempt 1"
    started = newest("project.status")
    assert (started.target_id, started.from_status, started.to_status) == (
        project.id,
        "pending",
        "processing",
    )
    for task in claimed:
        body = {"status": "completed", "task_output": {}, "lease_token": task["lease_token"]}
        ok(worker_api.patch(f"/api/tasks/{task['id']}", body, format="json"))
    report = newest("task.report")
    assert (report.actor_name, report.from_status, report.to_status) == (
        "test-worker",
        "processing",
        "completed",
    )
    done = newest("project.status")
    assert (done.from_status, done.to_status, done.actor_name) == (
        "processing",
        "completed",
        "test-worker",
    )
    # The lease token is the worker's proof: it never reaches the trail.
    trail = str(list(AuditEntry.objects.values()))
    assert all(task["lease_token"] not in trail for task in claimed)


def test_a_claim_and_a_report_each_write_the_trail_with_one_insert(
    worker_api, tasks_of_one_project
):
    body = {"task_types": ["t"], "max_tasks": 5}
    with CaptureQueriesContext(connection) as queries:
        claimed = ok(worker_api.post("/api/tasks/claim", body, format="json"))
    # Five tasks and their project started: one INSERT.
    assert len(claimed) == 5
    assert audit_inserts(queries) == 1
    first = claimed[0]
    with CaptureQueriesContext(connection) as queries:
        body = {"status": "failed", "error_message": "GPU", "lease_token": first["lease_token"]}
        ok(worker_api.patch(f"/api/tasks/{first['id']}", body, format="json"))
    # The task failed, and so did its project: one INSERT.
    assert audit_inserts(queries) == 1
    assert newest("task.report").reason == "GPU"
    assert newest("project.status").to_status == "failed"


def test_a_report_costs_one_query_more_than_before_the_trail(
    worker_api, tasks_of_one_project, django_assert_num_queries
):
    claimed = ok(worker_api.post("/api/tasks/claim", {"task_types": ["t"]}, format="json"))
    body = {"status": "completed", "task_output": {}, "lease_token": claimed["lease_token"]}
    # 10 before the trail, 11 with its one INSERT; the project's status does not change (its
    # other tasks are pending), so reading the projects that change replaces the UPDATE that
    # changed none (docs/console.md, "Audit trail"); 12 with the attempt's closing UPDATE.
    # On PostgreSQL 5 since issue 12: the token (2), savepoint, the completion in one
    # statement (tasks/services/completion_statement.py), release.
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 12):
        ok(worker_api.patch(f"/api/tasks/{claimed['id']}", body, format="json"))


def test_a_webhook_callback_names_n8n_and_its_execution(n8n_api, demo_types):
    inspiration = inspiration_create(title="idea", project_type_code="video_generation")
    Inspiration.objects.filter(pk=inspiration.pk).update(status="generating")
    body = {"status": "failed", "error": "model overloaded", "executionId": "exec-42"}
    ok(n8n_api.post(f"/api/webhooks/n8n/inspiration/{inspiration.id}", body, format="json"))
    entry = newest("inspiration.update")
    assert (entry.actor_kind, entry.actor_name, entry.execution_id) == (
        "n8n",
        "test-n8n",
        "exec-42",
    )
    assert (entry.from_status, entry.to_status, entry.reason) == (
        "generating",
        "failed",
        "model overloaded",
    )


def test_a_command_is_named_in_the_trail(db):
    account = account_create(platform="runway", name="r")
    PlatformAccount.objects.filter(pk=account.pk).update(used_today=3)
    call_command("reset_daily_usage", stdout=StringIO())
    entry = newest("account.reset_usage")
    assert (entry.actor_kind, entry.actor_name) == ("command", "reset_daily_usage")
    assert entry.changes == {"used_today": [3, 0]}


def test_reclaiming_expired_leases_is_recorded_under_the_command(db):
    project = Project.objects.create(name="p", project_type="custom")
    [task] = tasks_create([TaskSpec(project_id=project.id, task_type="t", max_attempts=2)])
    from tasks.services import tasks_claim

    tasks_claim(actor=Actor.system("w"), task_types=["t"], worker_id="gone-1")
    Task.objects.filter(pk=task.pk).update(lease_expires_at=timezone.now() - timedelta(1))
    call_command("reclaim_expired_tasks", stdout=StringIO())
    entry = newest("task.lease_expired")
    assert (entry.actor_kind, entry.actor_name) == ("command", "reclaim_expired_tasks")
    assert (entry.from_status, entry.to_status) == ("processing", "pending")
    assert "gone-1" in entry.reason


# Committed: the trigger is sent once the request's transaction commits, still inside it.
@pytest.mark.django_db(transaction=True)
def test_a_failed_send_of_a_workflow_run_is_recorded(api, settings, demo_types):
    n8n = FakeN8n()
    settings.N8N_INSPIRATION_WORKFLOW_URL = n8n.url("/webhook/inspiration")
    settings.N8N_ALLOWED_HOSTS = [f"127.0.0.1:{n8n.port}"]
    settings.N8N_RETRIES = 0
    n8n.stop()
    inspiration = inspiration_create(title="idea", project_type_code="video_generation")
    trigger_failed(api.post(f"/api/inspirations/{inspiration.id}/regenerate"))
    run = WorkflowRun.objects.get()
    entry = AuditEntry.objects.for_object(run).get(action="workflow_run.send")
    assert (entry.from_status, entry.to_status) == ("pending", "failed")
    assert entry.reason == "n8n could not be reached: the connection failed."
    assert entry.actor_name == "test-client"


def test_the_actor_is_reset_after_each_request(api):
    ok(api.post("/api/inspirations", {"title": "idea"}, format="json"), 201)
    assert audit.current_actor() is None
    inspiration_create(title="outside any request")
    assert newest("inspiration.create").actor_kind == "system"


def test_acting_as_nests_and_restores_the_outer_actor(db):
    with audit.acting_as(Actor.command("outer")):
        with audit.acting_as(Actor.n8n(execution_id="e1")):
            assert audit.current_actor().execution_id == "e1"
        assert audit.current_actor().name == "outer"
    assert audit.current_actor() is None


def test_changes_name_secrets_without_their_values():
    changes = audit.changes_between(
        {"credentials": {"k": "old"}, "name": "a", "task_template": []},
        {"credentials": {"k": "new"}, "name": "b", "task_template": [{"k": "x" * 2000}]},
    )
    assert changes["credentials"] == [audit.HIDDEN, audit.HIDDEN]
    assert changes["name"] == ["a", "b"]
    assert changes["task_template"][1].endswith("characters, not recorded)")


def test_a_regeneration_records_the_project_and_each_requeued_task(api, demo_types, settings):
    settings.N8N_EXECUTION_WORKFLOW_URL = ""
    from projects.services import project_create

    project = project_create(name="p", project_type="video_generation")
    Task.objects.filter(project=project).update(status="failed")
    Project.objects.filter(pk=project.pk).update(status="failed")
    ok(api.post(f"/projects/{project.id}/regenerate", {}, format="json"))
    entry = AuditEntry.objects.for_object(project).get(action="project.regenerate")
    assert (entry.actor_name, entry.from_status, entry.to_status) == (
        "test-client",
        "failed",
        "processing",
    )
    requeued = AuditEntry.objects.filter(action="task.requeue")
    assert requeued.count() == project.tasks.count()
    assert {(e.from_status, e.to_status) for e in requeued} == {
        ("failed", "pending"),
        ("failed", "waiting"),
    }


def test_a_project_created_by_n8n_names_n8n_and_its_execution(n8n_api, demo_types):
    inspiration = inspiration_create(title="idea", project_type_code="video_generation")
    Inspiration.objects.filter(pk=inspiration.pk).update(status="approved")
    body = {
        "status": "success",
        "project": {"name": "from n8n", "project_type": "video_generation"},
        "executionId": "exec-7",
    }
    url = f"/api/webhooks/n8n/project_creation/{inspiration.id}"
    data = ok(n8n_api.post(url, body, format="json"))
    project = Project.objects.get(pk=data["project_id"])
    entry = AuditEntry.objects.for_object(project).get(action="project.create")
    assert (entry.actor_kind, entry.execution_id) == ("n8n", "exec-7")
    tasks = AuditEntry.objects.filter(action="task.create")
    assert tasks.count() == project.total_tasks
    assert set(tasks.values_list("execution_id", flat=True)) == {"exec-7"}


def test_an_api_credentials_change_is_named_not_shown(api):
    account = account_create(platform="runway", name="r", credentials={"k": "sk-old-1"})
    body = {"credentials": {"k": "sk-new-2"}}
    ok(api.put(f"/api/platform-accounts/{account.id}", body, format="json"))
    entry = AuditEntry.objects.for_object(account).get(action="account.update")
    assert (entry.actor_name, entry.reason) == ("test-client", "credentials replaced")
    assert entry.changes == {"credentials": [audit.HIDDEN, audit.HIDDEN]}
    assert "sk-" not in str(list(AuditEntry.objects.values()))


def test_a_task_failed_by_a_client_is_a_fail_with_its_reason(api):
    project = Project.objects.create(name="p", project_type="custom")
    [task] = tasks_create([TaskSpec(project_id=project.id, task_type="t")])
    body = {"status": "failed", "error_message": "wrong prompt"}
    ok(api.patch(f"/api/tasks/{task.id}", body, format="json"))
    entry = AuditEntry.objects.for_object(task).get(action="task.fail")
    assert (entry.actor_name, entry.from_status, entry.to_status, entry.reason) == (
        "test-client",
        "pending",
        "failed",
        "wrong prompt",
    )
