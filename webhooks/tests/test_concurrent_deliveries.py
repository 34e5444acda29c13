import threading

import pytest
from django.db import connection

from core.roles import Role
from core.testing import token_client
from inspirations import services as inspiration_services
from inspirations.models import Inspiration
from projects.demo import load_demo_project_types
from projects.models import Project
from tasks.models import Task
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_delivery_at_once_from_several_threads_applies_once():
    load_demo_project_types()
    inspiration = inspiration_services.inspiration_create(title="x")
    Inspiration.objects.filter(pk=inspiration.pk).update(status="approved")
    body = {
        "status": "success",
        "project": {"name": "once", "project_type": "image_post"},
        "tasks": [
            {"key": "a", "task_type": "t"},
            {"key": "b", "task_type": "t", "dependencies": ["a"]},
        ],
        "executionId": "concurrent-1",
    }
    client_token = token_client("test-n8n", Role.N8N)._credentials["HTTP_AUTHORIZATION"]
    barrier = threading.Barrier(4)
    results = []

    def deliver():
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=client_token)
        try:
            barrier.wait()
            response = client.post(
                f"/api/webhooks/n8n/project_creation/{inspiration.id}", body, format="json"
            )
            results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in results] == [200] * 4
    assert len({repr(body) for _, body in results}) == 1
    assert Project.objects.count() == 1
    assert Task.objects.count() == 2
    assert WebhookEvent.objects.count() == 1


def test_two_executions_at_once_for_one_inspiration_create_one_project():
    load_demo_project_types()
    inspiration = inspiration_services.inspiration_create(title="x")
    Inspiration.objects.filter(pk=inspiration.pk).update(status="approved")
    client_token = token_client("test-n8n", Role.N8N)._credentials["HTTP_AUTHORIZATION"]
    barrier = threading.Barrier(2)
    results = []

    def deliver(execution_id):
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=client_token)
        body = {
            "status": "success",
            "project": {"name": execution_id, "project_type": "image_post"},
            "executionId": execution_id,
        }
        try:
            barrier.wait()
            response = client.post(
                f"/api/webhooks/n8n/project_creation/{inspiration.id}", body, format="json"
            )
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(f"exec-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The inspiration's row lock makes the second wait for the first, see its project, refuse.
    assert sorted(results) == [200, 409]
    assert Project.objects.count() == 1
    assert WebhookEvent.objects.count() == 1
