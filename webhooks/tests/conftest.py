import time

import pytest

from inspirations import services as inspiration_services
from inspirations.models import Inspiration
from projects.models import Project
from projects.services import project_create
from tasks.models import Task
from webhooks.authentication import signature
from webhooks.models import WebhookEvent


@pytest.fixture
def generating_inspiration(db):
    inspiration = inspiration_services.inspiration_create(
        title="draft idea", project_type_code="video_generation", parameters={"style": "modern"}
    )
    Inspiration.objects.filter(pk=inspiration.pk).update(status=Inspiration.Status.GENERATING)
    inspiration.refresh_from_db()
    return inspiration


@pytest.fixture
def approved_inspiration(db):
    inspiration = inspiration_services.inspiration_create(
        title="approved idea", project_type_code="video_generation"
    )
    Inspiration.objects.filter(pk=inspiration.pk).update(status=Inspiration.Status.APPROVED)
    inspiration.refresh_from_db()
    return inspiration


@pytest.fixture
def demo_project(demo_types):
    """A project of the demo type video_generation: script → images/voice → … → publish."""
    return project_create(name="demo", project_type="video_generation")


def task_of(project: Project, task_type: str) -> Task:
    return Task.objects.get(project=project, task_type=task_type)


def written() -> tuple[int, int, int]:
    """What a refused callback must not have written: projects, tasks, webhook events."""
    return Project.all_objects.count(), Task.all_objects.count(), WebhookEvent.objects.count()


def signed_headers(
    secret: str, path: str, body: bytes, *, method: str = "POST", timestamp=None
) -> dict:
    """The headers n8n sends with a callback it signs for `method path` (docs/n8n.md)."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "HTTP_X_SHORTSGEN_TIMESTAMP": timestamp,
        "HTTP_X_SHORTSGEN_SIGNATURE": signature(secret, timestamp, method, path, body),
    }
