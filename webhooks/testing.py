"""What the webhooks' tests share: what a callback wrote, and n8n's signed headers."""

import time

from projects.models import Project
from tasks.models import Task
from webhooks.authentication import signature
from webhooks.models import WebhookEvent


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
