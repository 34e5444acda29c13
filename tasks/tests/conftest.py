import pytest

from core.roles import Role
from core.testing import ok, token_client
from projects.models import Project


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
