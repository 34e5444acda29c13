import pytest

from core.roles import Role
from core.testing import ok, token_client
from projects.models import Project
from tasks.models import Task
from workerconfigs.models import WorkerConfig


@pytest.fixture
def project(db):
    return Project.objects.create(name="p", project_type="custom")


@pytest.fixture
def create_task(api, project):
    def create(**fields):
        body = {"project_id": project.id, "task_type": "video_generation", **fields}
        return ok(api.post("/api/tasks", body, format="json"), 201)

    return create


@pytest.fixture
def other_worker(db):
    """A second `worker` token (another API client than `worker_api`)."""
    return token_client("worker-2", Role.WORKER)


@pytest.fixture
def make_config(db):
    """A worker config to assign to tasks (task configs' tests)."""

    def make(**fields) -> WorkerConfig:
        fields.setdefault("config_name", "config")
        fields.setdefault("config_type", "execution")
        fields.setdefault("worker_type", "video_generator")
        return WorkerConfig.objects.create(**fields)

    return make


@pytest.fixture
def make_task(db):
    """A task of a project of its own (task configs' tests)."""

    def make(task_type: str = "video_generation"):
        project = Project.objects.create(name="p", project_type="t")
        return Task.objects.create(project=project, task_type=task_type)

    return make
