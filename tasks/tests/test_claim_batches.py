"""max_tasks: many tasks in one claim; fairness between task types."""

from core.testing import error, ok
from tasks.models import Task


def claim_many(worker_api, *task_types, max_tasks, **extra):
    body = {"task_types": list(task_types), "max_tasks": max_tasks, **extra}
    return worker_api.post("/api/tasks/claim", body, format="json")


def test_max_tasks_hands_out_a_list_in_priority_order(worker_api, create_task):
    low = create_task(priority=0)
    high = [create_task(priority=5) for _ in range(2)]
    data = ok(claim_many(worker_api, "video_generation", max_tasks=10, worker_id="w"))
    assert [t["id"] for t in data] == [high[0]["id"], high[1]["id"], low["id"]]
    assert {t["status"] for t in data} == {"processing"}
    assert len({t["lease_token"] for t in data}) == 1
    assert Task.objects.filter(status="processing", worker_id="w").count() == 3


def test_max_tasks_one_is_still_a_list(worker_api, create_task):
    create_task()
    data = ok(claim_many(worker_api, "video_generation", max_tasks=1))
    assert isinstance(data, list) and len(data) == 1


def test_without_max_tasks_the_single_object_stays(worker_api, create_task):
    create_task()
    data = ok(
        worker_api.post("/api/tasks/claim", {"task_types": ["video_generation"]}, format="json")
    )
    assert isinstance(data, dict)


def test_batches_never_overlap(worker_api, create_task):
    for _ in range(7):
        create_task()
    first = ok(claim_many(worker_api, "video_generation", max_tasks=4))
    second = ok(claim_many(worker_api, "video_generation", max_tasks=4))
    assert len(first) == 4 and len(second) == 3
    assert not {t["id"] for t in first} & {t["id"] for t in second}
    assert claim_many(worker_api, "video_generation", max_tasks=4).json()["code"] == 1


def test_max_tasks_bounds(worker_api):
    for bad in (0, 101):
        assert error(claim_many(worker_api, "video_generation", max_tasks=bad), 400).startswith(
            "max_tasks:"
        )


def test_a_flood_of_one_type_does_not_starve_another(worker_api, create_task):
    for _ in range(30):
        create_task(task_type="flood")
    late = create_task(task_type="rare")
    data = ok(claim_many(worker_api, "flood", "rare", max_tasks=2))
    assert late["id"] in [t["id"] for t in data]


def test_single_claims_take_turns_between_types(worker_api, create_task):
    for _ in range(10):
        create_task(task_type="flood")
    rare = [create_task(task_type="rare") for _ in range(2)]
    body = {"task_types": ["flood", "rare"]}
    got = [
        ok(worker_api.post("/api/tasks/claim", body, format="json"))["task_type"] for _ in range(4)
    ]
    assert got.count("rare") == 2, got
    assert {t.id for t in Task.objects.filter(status="processing", task_type="rare")} == {
        r["id"] for r in rare
    }


def test_priority_wins_over_turns(worker_api, create_task):
    create_task(task_type="a", priority=0)
    urgent = create_task(task_type="b", priority=9)
    create_task(task_type="a", priority=0)
    body = {"task_types": ["a", "b"]}
    # Two claims start at two different types of the rotation; both serve the urgent first.
    assert ok(worker_api.post("/api/tasks/claim", body, format="json"))["id"] == urgent["id"]
    Task.objects.filter(id=urgent["id"]).update(status="pending", worker_id=None)
    assert ok(worker_api.post("/api/tasks/claim", body, format="json"))["id"] == urgent["id"]
