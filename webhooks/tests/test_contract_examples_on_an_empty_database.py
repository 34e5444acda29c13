"""The contract's examples pass verbatim on a fresh install: no demo data, no project types.

One rule for project types (docs/api.md): POST /projects, the project_creation callback and
approve accept a type that is not registered (a project without a template); a registered,
active type brings its template and parameter schema.
"""

import pytest

from accounts.services import account_create
from core.testing import ok
from inspirations import services as inspiration_services
from inspirations.models import Inspiration
from projects.models import Project, ProjectType
from tasks.models import Task
from webhooks.tests.test_inspiration_webhook import EXAMPLE as INSPIRATION_EXAMPLE
from webhooks.tests.test_project_creation_webhook import example as creation_example
from webhooks.tests.test_project_execution_webhook import example as execution_example
from webhooks.tests.test_task_update_webhook import EXAMPLE as TASK_UPDATE_EXAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_database():
    assert not ProjectType.all_objects.exists()
    assert not Project.all_objects.exists()


def _inspiration(status: str) -> Inspiration:
    inspiration = inspiration_services.inspiration_create(
        title="idea", project_type_code="video_generation"
    )
    Inspiration.objects.filter(pk=inspiration.pk).update(status=status)
    return inspiration


def test_post_projects_examples(api):
    body = {"name": "string", "project_type": "string", "initial_parameters": {"key": "value"}}
    assert ok(api.post("/projects", body, format="json"), 201)["project_type"] == "string"
    body = {"name": "测试项目", "project_type": "video_generation", "initial_parameters": {}}
    assert ok(api.post("/projects", body, format="json"), 201)["status"] == "pending"


def test_every_section_7_example_in_order(n8n_api):
    generating = _inspiration(Inspiration.Status.GENERATING)
    path = f"/api/webhooks/n8n/inspiration/{generating.id}"
    assert ok(n8n_api.post(path, INSPIRATION_EXAMPLE, format="json"))["status"] == "success"

    approved = _inspiration(Inspiration.Status.APPROVED)
    account = account_create(platform="dreamina", name="main")
    path = f"/api/webhooks/n8n/project_creation/{approved.id}"
    created = ok(n8n_api.post(path, creation_example(account.id), format="json"))
    assert created["message"] == "Project created successfully"
    assert created["tasks_created"] == 1
    project = Project.objects.get(id=created["project_id"])
    assert project.project_type == "video_generation"
    task = Task.objects.get(project=project)

    Task.objects.filter(id=task.id).update(status="processing")
    path = f"/api/webhooks/n8n/project_execution/{project.id}"
    executed = ok(n8n_api.post(path, execution_example(task.id), format="json"))
    assert executed["tasks_updated"] == 1

    other = Task.objects.create(project=project, task_type="publish", status="pending")
    path = f"/api/webhooks/n8n/task_update/{other.id}"
    assert ok(n8n_api.post(path, TASK_UPDATE_EXAMPLE, format="json"))["status"] == "completed"


def test_approve_of_an_unregistered_type_creates_its_project(api):
    draft = _inspiration(Inspiration.Status.DRAFT)
    data = ok(api.post(f"/api/inspirations/{draft.id}/approve", format="json"))
    assert Project.objects.get(id=data["project_id"]).project_type == "video_generation"
