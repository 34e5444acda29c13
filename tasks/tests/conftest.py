import pytest

from core.testing import ok
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


def claim(api, *task_types):
    return api.post("/api/tasks/claim", {"task_types": list(task_types)}, format="json")


def patch(api, task_id, **body):
    return api.patch(f"/api/tasks/{task_id}", body, format="json")
