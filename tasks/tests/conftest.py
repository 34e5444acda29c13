import pytest

from core.actors import Actor
from core.models import ApiClient
from core.roles import Role
from core.services import api_client_create, api_client_set_role
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


def worker_actor(name: str = "test-worker") -> Actor:
    """The Actor of the worker-role API client NAME (created when missing), for service calls:
    its claims' leases are held by the client's user, as when it claims through the API."""
    client = ApiClient.objects.filter(user__username=name).first()
    if client is None:
        client, _ = api_client_create(name=name, role=Role.WORKER)
    elif client.role != Role.WORKER:
        api_client_set_role(client=client, role=Role.WORKER)
    return Actor(role=Role.WORKER, name=name, user_id=client.user_id)


def claim(worker_api, *task_types, **extra):
    body = {"task_types": list(task_types), **extra}
    return worker_api.post("/api/tasks/claim", body, format="json")


def patch(api, task_id, **body):
    return api.patch(f"/api/tasks/{task_id}", body, format="json")


def report(client, claimed, **body):
    """PATCH a claimed task (a dict of the claim's answer) under the claim's lease_token."""
    return patch(client, claimed["id"], lease_token=claimed["lease_token"], **body)


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
