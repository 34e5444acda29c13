"""Every action of the console, and every add/change save, lands in the audit trail under
the operator's username (issue 10: "Every action from the admin appears in the audit trail
with the operator's username")."""

import pytest
from django.contrib.auth import get_user_model
from knox.models import AuthToken

from accounts.models import PlatformAccount
from accounts.services import account_create
from assets.models import Asset
from assets.services import asset_create
from core.actors import Actor
from core.models import ApiClient, AuditEntry, WorkflowRun
from core.services import api_client_create
from core.testing_n8n import FakeN8n
from core.tests.audit_helpers import OPERATOR, act, entries, operator_console, post_form
from inspirations.models import Inspiration
from inspirations.services import inspiration_create
from projects.models import Project, ProjectType
from projects.services import project_create
from tasks.models import Task
from tasks.services import TaskSpec, tasks_claim, tasks_create
from workerconfigs.models import WorkerConfig
from workerconfigs.services import worker_config_create


@pytest.fixture
def operator(db, settings):
    # No workflow: approving creates the project here, nothing goes out.
    settings.N8N_INSPIRATION_WORKFLOW_URL = ""
    settings.N8N_TRANSFORM_WORKFLOW_URL = ""
    settings.N8N_EXECUTION_WORKFLOW_URL = ""
    return operator_console()


def by_operator(obj, action: str, **expected) -> AuditEntry:
    """The newest entry of `action` about `obj`: it names the operator (and `expected`)."""
    entry = entries(obj, action).first()
    assert entry is not None, (action, list(entries(obj).values_list("action", flat=True)))
    user = get_user_model().objects.get(username=OPERATOR)
    assert (entry.actor_kind, entry.actor_name, entry.actor_user_id) == (
        "operator",
        OPERATOR,
        user.pk,
    )
    for name, value in expected.items():
        assert getattr(entry, name) == value, (name, getattr(entry, name), value)
    return entry


def test_inspiration_actions_are_recorded_with_the_operator(operator, demo_types):
    url = "/admin/inspirations/inspiration/"
    first = inspiration_create(title="one", project_type_code="video_generation")
    second = inspiration_create(title="two", project_type_code="video_generation")
    act(operator, url, "approve", first.pk)
    by_operator(first, "inspiration.approve", from_status="draft", to_status="approved")
    project = Project.objects.get(inspiration_id=first.pk)
    by_operator(project, "project.create", to_status="pending")
    assert entries(project.tasks.first(), "task.create").first().actor_name == OPERATOR
    act(operator, url, "reject", second.pk)
    by_operator(second, "inspiration.reject", from_status="draft", to_status="rejected")
    act(operator, url, "soft_delete", second.pk)
    by_operator(second, "inspiration.delete")
    act(operator, url, "restore", second.pk)
    by_operator(second, "inspiration.restore")


def test_project_actions_are_recorded_with_the_operator(operator, demo_types):
    url = "/admin/projects/project/"
    project = project_create(name="p", project_type="video_generation")
    Project.objects.filter(pk=project.pk).update(total_tasks=99)
    act(operator, url, "recalculate_tasks", project.pk)
    recount = by_operator(project, "project.recount")
    assert recount.changes["total_tasks"] == [99, project.total_tasks]
    act(operator, url, "soft_delete", project.pk)
    by_operator(project, "project.delete")
    assert entries(project.tasks.model.all_objects.filter(project=project).first(), "task.delete")
    act(operator, url, "restore", project.pk)
    by_operator(project, "project.restore")


def test_task_actions_are_recorded_with_the_operator(operator):
    url = "/admin/tasks/task/"
    project = Project.objects.create(name="p", project_type="custom")
    failed, running = tasks_create(
        [
            TaskSpec(project_id=project.id, task_type="t", status="failed"),
            TaskSpec(project_id=project.id, task_type="u"),
        ]
    )
    tasks_claim(actor=Actor.system("w"), task_types=["u"], worker_id="w-1")
    act(operator, url, "retry", failed.pk)
    by_operator(failed, "task.retry", from_status="failed", to_status="pending")
    act(operator, url, "release", running.pk)
    by_operator(running, "task.release", from_status="processing", to_status="pending")


def test_account_actions_and_saves_are_recorded_without_the_credentials(operator):
    url = "/admin/accounts/platformaccount/"
    account = account_create(platform="runway", name="r", credentials={"api_key": "sk-live-1"})
    PlatformAccount.objects.filter(pk=account.pk).update(used_today=7)
    act(operator, url, "reset_usage", account.pk)
    by_operator(account, "account.reset_usage", changes={"used_today": [7, 0]})
    post_form(
        operator,
        f"{url}{account.pk}/change/",
        name="renamed",
        credentials='{"api_key": "sk-live-2"}',
    )
    change = by_operator(account, "account.update", reason="credentials replaced")
    assert change.changes["name"] == ["r", "renamed"]
    assert change.changes["credentials"] == ["(hidden)", "(hidden)"]
    post_form(
        operator,
        f"{url}add/",
        platform="dreamina",
        name="d",
        status="active",
        daily_limit="5",
        credentials='{"token": "sk-live-3"}',
    )
    by_operator(PlatformAccount.objects.get(name="d"), "account.create")
    act(operator, url, "soft_delete", account.pk)
    by_operator(account, "account.delete")
    act(operator, url, "restore", account.pk)
    by_operator(account, "account.restore")
    assert not AuditEntry.objects.filter(reason__contains="sk-live").exists()
    assert "sk-live" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_a_workflow_run_retry_is_recorded_with_its_send(operator, settings):
    n8n = FakeN8n()
    try:
        settings.N8N_ALLOWED_HOSTS = [f"127.0.0.1:{n8n.port}"]
        settings.N8N_RETRIES = 0
        run = WorkflowRun.objects.create(
            kind="inspiration",
            target_type="inspiration",
            target_id=1,
            url=n8n.url(),
            state="failed",
        )
        act(operator, "/admin/core/workflowrun/", "retry", run.pk)
    finally:
        n8n.stop()
    by_operator(run, "workflow_run.retry", from_status="failed", to_status="pending")
    by_operator(run, "workflow_run.send", from_status="pending", to_status="succeeded")


def test_api_client_actions_and_saves_are_recorded_without_tokens(operator):
    url = "/admin/core/apiclient/"
    client, token = api_client_create(name="render-1", role="worker")
    act(operator, url, "rotate_tokens", client.pk)
    rotate = by_operator(client, "api_client.rotate")
    assert rotate.changes == {"token": ["(hidden)", "(hidden)"]}
    post_form(operator, f"{url}{client.pk}/change/", role="client")
    by_operator(client, "api_client.set_role", changes={"role": ["worker", "client"]})
    act(operator, url, "revoke_tokens", client.pk)
    by_operator(client, "api_client.revoke", reason="1 token(s) revoked")
    post_form(operator, f"{url}add/", name="n8n-2", role="n8n")
    by_operator(ApiClient.objects.get(user__username="n8n-2"), "api_client.create")
    assert not AuthToken.objects.filter(user=client.user).exists()
    everything = str(list(AuditEntry.objects.values()))
    assert token not in everything and token[:15] not in everything


def test_worker_config_actions_and_saves_are_recorded(operator):
    url = "/admin/workerconfigs/workerconfig/"
    config = worker_config_create(config_name="c", config_type="t", worker_type="w")
    act(operator, url, "deactivate", config.pk)
    by_operator(config, "worker_config.deactivate", changes={"is_active": [True, False]})
    act(operator, url, "activate", config.pk)
    by_operator(config, "worker_config.activate", changes={"is_active": [False, True]})
    post_form(operator, f"{url}{config.pk}/change/", priority="5")
    by_operator(config, "worker_config.update", changes={"priority": [0, 5]})
    post_form(
        operator,
        f"{url}add/",
        config_name="new",
        config_type="t",
        worker_type="w",
        config_data="{}",
        priority="0",
    )
    by_operator(WorkerConfig.objects.get(config_name="new"), "worker_config.create")


def test_project_type_saves_and_actions_are_recorded(operator):
    url = "/admin/projects/projecttype/"
    post_form(
        operator,
        f"{url}add/",
        code="shorts",
        name="Shorts",
        category="video",
        sort_order="1",
        default_parameters="{}",
        parameter_schema="{}",
        task_template="[]",
    )
    project_type = ProjectType.objects.get(code="shorts")
    by_operator(project_type, "project_type.create")
    post_form(operator, f"{url}{project_type.pk}/change/", name="Shorts 2")
    by_operator(project_type, "project_type.update", changes={"name": ["Shorts", "Shorts 2"]})
    act(operator, url, "soft_delete", project_type.pk)
    by_operator(project_type, "project_type.delete")
    act(operator, url, "restore", project_type.pk)
    by_operator(project_type, "project_type.restore")


def test_inspiration_project_and_asset_saves_are_recorded(operator, demo_types):
    post_form(
        operator,
        "/admin/inspirations/inspiration/add/",
        title="typed",
        project_type_code="video_generation",
        parameters="{}",
    )
    inspiration = Inspiration.objects.get(title="typed")
    by_operator(inspiration, "inspiration.create", to_status="draft")
    post_form(
        operator,
        f"/admin/inspirations/inspiration/{inspiration.pk}/change/",
        review_notes="good",
    )
    by_operator(inspiration, "inspiration.update", changes={"review_notes": [None, "good"]})

    project = project_create(name="p", project_type="custom")
    post_form(operator, f"/admin/projects/project/{project.pk}/change/", name="p2")
    by_operator(project, "project.update", changes={"name": ["p", "p2"]})

    asset, _ = asset_create(name="a", asset_type="video")
    post_form(operator, f"/admin/assets/asset/{asset.pk}/change/", name="a2")
    by_operator(asset, "asset.update", changes={"name": ["a", "a2"]})
    act(operator, "/admin/assets/asset/", "soft_delete", asset.pk)
    by_operator(asset, "asset.delete")
    act(operator, "/admin/assets/asset/", "restore", asset.pk)
    by_operator(asset, "asset.restore")
    post_form(
        operator,
        "/admin/assets/asset/add/",
        name="typed asset",
        asset_type="image",
        asset_metadata="{}",
    )
    by_operator(Asset.objects.get(name="typed asset"), "asset.create")


def test_a_task_edit_by_the_operator_is_not_recorded_under_someone_else(operator):
    project = Project.objects.create(name="p", project_type="custom")
    [task] = tasks_create([TaskSpec(project_id=project.id, task_type="t", status="failed")])
    act(operator, "/admin/tasks/task/", "retry", task.pk)
    kinds = set(entries(task).values_list("actor_kind", flat=True))
    # created outside any request (system), retried by the operator: nobody else.
    assert kinds == {"system", "operator"}
    assert Task.objects.get(pk=task.pk).status == "pending"


def test_a_form_saved_unchanged_adds_no_entry(operator):
    project = project_create(name="p", project_type="custom")
    before = entries(project).count()
    post_form(operator, f"/admin/projects/project/{project.pk}/change/")
    assert entries(project).count() == before
