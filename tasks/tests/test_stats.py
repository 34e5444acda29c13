"""GET /api/tasks/types and GET /api/tasks/stats."""

from datetime import timedelta

from django.utils import timezone

from core.testing import ok
from tasks.models import Task


def test_types_lists_the_task_types_sorted(api, create_task):
    create_task(task_type="voice")
    create_task(task_type="image")
    create_task(task_type="voice")
    assert ok(api.get("/api/tasks/types")) == ["image", "voice"]
    assert ok(api.get("/api/tasks/types/")) == ["image", "voice"]


def test_stats_count_by_type_and_status_with_the_oldest_ready_age(api, create_task):
    old = create_task(task_type="image")
    create_task(task_type="image")
    later = create_task(task_type="image")
    Task.objects.filter(id=old["id"]).update(available_at=timezone.now() - timedelta(minutes=2))
    Task.objects.filter(id=later["id"]).update(available_at=timezone.now() + timedelta(minutes=5))
    create_task(task_type="voice", status="completed")
    data = ok(api.get("/api/tasks/stats"))
    assert [row["task_type"] for row in data] == ["image", "voice"]
    image, voice = data
    assert image["counts"] == {
        "waiting": 0,
        "pending": 3,
        "processing": 0,
        "completed": 0,
        "failed": 0,
    }
    assert image["ready"] == 2
    assert 119 <= image["oldest_ready_age_seconds"] < 200
    assert voice["counts"]["completed"] == 1
    assert voice["ready"] == 0 and voice["oldest_ready_age_seconds"] is None


def test_stats_count_expired_leases_as_ready(api, worker_api, create_task):
    create_task(task_type="image", max_attempts=2)
    ok(worker_api.post("/api/tasks/claim", {"task_types": ["image"]}, format="json"))
    Task.objects.update(lease_expires_at=timezone.now() - timedelta(seconds=30))
    [image] = ok(api.get("/api/tasks/stats"))
    assert image["counts"]["processing"] == 1
    assert image["ready"] == 1
    assert image["oldest_ready_age_seconds"] >= 30


def test_stats_and_types_need_a_token(anon):
    assert anon.get("/api/tasks/stats").status_code == 401
    assert anon.get("/api/tasks/types").status_code == 401
