"""POST /api/tasks/claim (contract 2.3)."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from core.testing import error, ok
from projects.models import Project
from tasks.models import Task
from tasks.testing import claim


def test_contract_example_with_a_task(worker_api, project, create_task):
    task = create_task(task_type="video_generation")
    data = ok(claim(worker_api, "video_generation", "audio_generation"))
    assert data["id"] == task["id"]
    assert data["task_type"] == "video_generation"
    assert data["status"] == "processing"
    assert data["project_id"] == project.id
    assert data["started_at"] is not None


def test_contract_example_without_a_task(worker_api):
    response = claim(worker_api, "video_generation", "audio_generation")
    assert response.status_code == 200
    assert response.json() == {
        "code": 1,
        "msg": "No pending tasks available for the given types.",
        "data": None,
    }


def test_a_task_is_claimed_once(worker_api, create_task):
    create_task()
    assert ok(claim(worker_api, "video_generation"))
    assert claim(worker_api, "video_generation").json()["code"] == 1


def test_waiting_tasks_and_other_types_are_not_claimed(worker_api, create_task):
    root = create_task(task_type="other")
    create_task(dependencies=[root["id"]])
    assert claim(worker_api, "video_generation").json()["code"] == 1


def test_highest_priority_first_then_oldest(worker_api, create_task):
    old_low = create_task(priority=0)
    old_high = create_task(priority=5)
    new_high = create_task(priority=5)
    order = [ok(claim(worker_api, "video_generation"))["id"] for _ in range(3)]
    assert order == [old_high["id"], new_high["id"], old_low["id"]]


def test_tasks_not_yet_available_wait(worker_api, create_task):
    task = create_task()
    Task.objects.filter(id=task["id"]).update(available_at=timezone.now() + timedelta(minutes=5))
    assert claim(worker_api, "video_generation").json()["code"] == 1


def test_the_first_claim_starts_the_project(worker_api, project, create_task):
    create_task()
    ok(claim(worker_api, "video_generation"))
    project.refresh_from_db()
    assert project.status == "processing"


def test_attempts_and_worker_are_recorded(worker_api, create_task):
    create_task()
    body = {"task_types": ["video_generation"], "worker_id": "render-1"}
    data = ok(worker_api.post("/api/tasks/claim", body, format="json"))
    assert data["attempts"] == 1
    assert data["worker_id"] == "render-1"
    assert data["lease_expires_at"] is not None
    # worker_id is a label; the lease is held by the claiming client.
    assert Task.objects.get(id=data["id"]).lease_holder.username == "test-worker"


def test_worker_id_defaults_to_the_clients_name(worker_api, create_task):
    create_task()
    assert ok(claim(worker_api, "video_generation"))["worker_id"] == "test-worker"


def test_only_worker_tokens_claim(api, n8n_api, operator_api, create_task):
    task = create_task()
    for caller in (api, n8n_api, operator_api):
        response = claim(caller, "video_generation")
        assert response.status_code == 403
        assert "this endpoint is for worker" in error(response, 403)
    assert Task.objects.get(id=task["id"]).status == "pending"


def test_bad_claims_are_refused(worker_api):
    assert error(worker_api.post("/api/tasks/claim", {}, format="json"), 400) == (
        "task_types: This field is required."
    )
    assert error(worker_api.post("/api/tasks/claim", {"task_types": []}, format="json"), 400) == (
        "task_types: This list may not be empty."
    )
    assert error(
        worker_api.post("/api/tasks/claim", {"task_types": "video"}, format="json"), 400
    ) == ('task_types: Expected a list of items but got type "str".')


def test_claim_runs_a_constant_number_of_queries(
    worker_api, create_task, django_assert_num_queries
):
    for _ in range(3):
        create_task()
    # The trail's content types are read once per process, then cached.
    ContentType.objects.get_for_models(Project, Task)
    # token (2: knox's token with its user, the client's role), savepoint, select for
    # update, update task, start project, open the attempt and the audit trail's entry (one
    # INSERT each, issue 10: was 9), the payload (dependency outputs, configs), release.
    # The project is started by the first claim: later ones leave it alone (issue 12),
    # however long the queue. On PostgreSQL, since issue 12: token (2), savepoint, one
    # statement (tasks/services/claim_statement.py), release, whatever the case.
    postgresql = connection.vendor == "postgresql"
    with django_assert_num_queries(5 if postgresql else 11):
        ok(claim(worker_api, "video_generation"))
    with django_assert_num_queries(5 if postgresql else 10):
        ok(claim(worker_api, "video_generation"))
    for _ in range(50):
        create_task()
    with django_assert_num_queries(5 if postgresql else 10):
        ok(claim(worker_api, "video_generation"))
