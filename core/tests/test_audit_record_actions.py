"""The buttons on each record's page land in the audit trail under the operator's username,
like the list actions and the form saves (test_audit_admin_actions.py)."""

import pytest

from accounts.models import PlatformAccount
from accounts.services import account_create
from core.actors import Actor
from core.tests.audit_helpers import OPERATOR, entries, operator_console
from inspirations.services import inspiration_create
from projects.services import project_create
from tasks.models import Task
from tasks.services import TaskSpec, task_fail, tasks_claim, tasks_create
from tasks.testing import worker_actor


@pytest.fixture
def operator(db, settings):
    # No workflow: approving creates the project here, nothing goes out.
    settings.N8N_INSPIRATION_WORKFLOW_URL = ""
    settings.N8N_TRANSFORM_WORKFLOW_URL = ""
    settings.N8N_EXECUTION_WORKFLOW_URL = ""
    return operator_console()


def press(client, obj, action: str, **form):
    opts = obj._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/actions/{action}/"
    response = client.post(url, form)
    assert response.status_code == 302, response.content[:2000]


def by_operator(obj, action: str):
    entry = entries(obj, action).first()
    assert entry is not None, (action, list(entries(obj).values_list("action", flat=True)))
    assert (entry.actor_kind, entry.actor_name) == ("operator", OPERATOR)
    return entry


def test_inspiration_buttons_are_recorded_with_the_operator(operator, demo_types):
    first = inspiration_create(title="one", project_type_code="video_generation")
    second = inspiration_create(title="two", project_type_code="video_generation")
    press(operator, first, "approve", review_notes="sharp", score="4.5")
    approved = by_operator(first, "inspiration.approve")
    assert (approved.from_status, approved.to_status) == ("draft", "approved")
    press(operator, second, "reject", review_notes="off brand")
    assert by_operator(second, "inspiration.reject").reason == "off brand"
    press(operator, second, "regenerate")
    by_operator(second, "inspiration.regenerate")


def test_project_buttons_are_recorded_with_the_operator(operator, demo_types):
    project = project_create(name="p", project_type="video_generation")
    press(operator, project, "recount")
    by_operator(project, "project.recount")
    press(operator, project, "regenerate")
    by_operator(project, "project.regenerate")
    press(operator, project, "soft_delete")
    by_operator(project, "project.delete")
    press(operator, project, "restore")
    by_operator(project, "project.restore")


def test_task_buttons_are_recorded_with_the_operator(operator, demo_types):
    project = project_create(name="p", project_type="video_generation")
    first, second = tasks_create(
        [
            TaskSpec(project_id=project.id, task_type="audit_a", max_attempts=3),
            TaskSpec(project_id=project.id, task_type="audit_b", max_attempts=3),
        ]
    )
    tasks_claim(actor=worker_actor(), task_types=["audit_a", "audit_b"], max_tasks=2)
    press(operator, first, "release")
    by_operator(first, "task.release")
    press(operator, second, "fail", reason="the render farm is on fire")
    assert by_operator(second, "task.fail").reason.startswith("the render farm is on fire")
    press(operator, second, "retry")
    assert Task.objects.get(pk=second.pk).status == Task.Status.PENDING
    assert entries(second).first().actor_name == OPERATOR
    # A failure the operator did not make is not put on their name.
    task_fail(task_id=first.pk, actor=Actor.system("elsewhere"), reason="x")
    assert entries(first).first().actor_name == "elsewhere"


def test_the_reset_usage_button_is_recorded_with_the_operator(operator):
    account = account_create(
        platform=PlatformAccount.Platform.DREAMINA, name="a", credentials={"api_key": "k"}
    )
    PlatformAccount.objects.filter(pk=account.pk).update(used_today=4)
    account.refresh_from_db()
    press(operator, account, "reset_usage")
    by_operator(account, "account.reset_usage")
