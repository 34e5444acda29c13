"""The task answers are built by hand (TaskSerializer.to_representation) for speed: field for
field what DRF's own machinery makes of the declared fields, on tasks in every state."""

import pytest
from rest_framework import serializers

from tasks.models import Task
from tasks.serializers import ClaimedTaskSerializer, TaskSerializer
from tasks.testing import claim, report


def drf_representation(serializer, task) -> dict:
    """What the declared fields give through DRF's generic path."""
    return serializers.ModelSerializer.to_representation(serializer, task)


@pytest.fixture
def tasks_in_every_state(api, worker_api, project):
    def create(**fields):
        body = {"project_id": project.id, "task_type": "t", **fields}
        return api.post("/api/tasks", body, format="json").json()["data"]

    root = create(task_input={"prompt": "猫"}, priority=5, max_attempts=3, commit_id="job-1")
    create(dependencies=[root["id"]], platform="dreamina")  # pending once root completes
    done = claim(worker_api, "t").json()["data"]
    report(worker_api, done, status="completed", task_output={"url": "s3://x"})
    create()  # pending
    running = create(task_output=None, error_message="")
    claim(worker_api, "t")
    create(dependencies=[running["id"]])  # waiting
    failed = create(max_attempts=1)
    body = {"status": "failed", "error_message": "boom"}
    api.patch(f"/api/tasks/{failed['id']}", body, format="json")
    assert {running["id"], failed["id"]} <= set(Task.objects.values_list("id", flat=True))
    return list(Task.objects.with_dependency_ids().order_by("id"))


def test_the_task_answer_is_what_drf_makes_of_the_declared_fields(tasks_in_every_state):
    statuses = {task.status for task in tasks_in_every_state}
    assert statuses == {"waiting", "pending", "processing", "completed", "failed"}
    for task in tasks_in_every_state:
        serializer = TaskSerializer(task)
        assert serializer.data == drf_representation(serializer, task)
        assert list(serializer.data) == TaskSerializer.Meta.fields


def test_the_claim_answer_is_what_drf_makes_of_the_declared_fields(tasks_in_every_state):
    task = next(t for t in tasks_in_every_state if t.status == "processing")
    payloads = {
        task.id: {
            "dependencies": [7],
            "dependency_outputs": {"7": {"url": "s3://x"}},
            "configs": [{"config_name": "c"}],
            "credentials": {"api_key": "k"},
        }
    }
    serializer = ClaimedTaskSerializer(task, context={"payloads": payloads})
    assert serializer.data == drf_representation(serializer, task)
    assert serializer.data["lease_token"] == task.lease_token
    assert serializer.data["dependencies"] == [7]
