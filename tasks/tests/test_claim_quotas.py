"""Quotas in the claim: tasks needing a platform go out only with an account's quota."""

import threading

import pytest
from django.db import close_old_connections, connection

from accounts.models import PlatformAccount, utc_today
from accounts.services import account_create
from core.testing import ok
from projects.models import Project
from tasks.models import Task
from tasks.services import TaskSpec, tasks_claim, tasks_create
from tasks.testing import worker_actor


def claim(worker_api, **extra):
    body = {"task_types": ["image_generation"], **extra}
    return worker_api.post("/api/tasks/claim", body, format="json")


@pytest.fixture
def images(project):
    def make(n, **fields):
        specs = [TaskSpec(project_id=project.id, task_type="image_generation", **fields)] * n
        return tasks_create(specs)

    return make


def test_binds_the_account_with_most_quota_left_and_counts_the_use(worker_api, images):
    small = account_create(platform="midjourney", name="small", daily_limit=5)
    big = account_create(platform="midjourney", name="big", daily_limit=10)
    images(1, platform="midjourney")
    data = ok(claim(worker_api))
    assert data["platform_account_id"] == big.id
    big.refresh_from_db()
    small.refresh_from_db()
    assert big.used_today == 1 and small.used_today == 0
    assert big.last_used_at is not None


def test_no_quota_left_means_nothing_to_claim(worker_api, images):
    account = account_create(platform="midjourney", name="a", daily_limit=1)
    images(2, platform="midjourney")
    ok(claim(worker_api))
    assert claim(worker_api).json()["code"] == 1
    account.refresh_from_db()
    assert account.used_today == 1
    assert Task.objects.filter(status="pending").count() == 1


def test_a_task_bound_to_an_exhausted_account_waits(worker_api, images):
    account = account_create(platform="runway", name="r", daily_limit=3)
    PlatformAccount.objects.filter(id=account.id).update(used_today=3, usage_date=utc_today())
    images(1, platform_account_id=account.id)
    assert claim(worker_api).json()["code"] == 1
    PlatformAccount.objects.filter(id=account.id).update(used_today=2)
    assert ok(claim(worker_api))["platform_account_id"] == account.id


def test_tasks_without_quota_do_not_block_others(worker_api, project, images):
    account_create(platform="midjourney", name="a", daily_limit=0)
    images(5, platform="midjourney", priority=10)
    plain = images(1)[0]
    data = ok(claim(worker_api, max_tasks=10))
    assert [t["id"] for t in data] == [plain.id]


def test_an_inactive_or_deleted_account_gives_no_quota(worker_api, images):
    account_create(platform="dreamina", name="off", daily_limit=10, status="inactive")
    images(1, platform="dreamina")
    assert claim(worker_api).json()["code"] == 1


def test_a_platform_without_accounts_waits_for_one(worker_api, images):
    [task] = images(1, platform="midjourney")
    plain = images(1)[0]
    assert ok(claim(worker_api))["id"] == plain.id  # the other task is not blocked
    assert claim(worker_api).json()["code"] == 1
    account = account_create(platform="midjourney", name="m", daily_limit=1)
    data = ok(claim(worker_api))
    assert (data["id"], data["platform_account_id"]) == (task.id, account.id)


def test_platforms_filter(worker_api, images):
    account_create(platform="midjourney", name="m", daily_limit=10)
    account_create(platform="runway", name="r", daily_limit=10)
    mj = images(1, platform="midjourney")[0]
    rw = images(1, platform="runway")[0]
    images(1)
    data = ok(claim(worker_api, platforms=["runway"], max_tasks=10))
    assert [t["id"] for t in data] == [rw.id]
    data = ok(claim(worker_api, platforms=["midjourney"], max_tasks=10))
    assert [t["id"] for t in data] == [mj.id]


def test_a_batch_spreads_over_accounts_without_passing_a_limit(worker_api, images):
    a = account_create(platform="midjourney", name="a", daily_limit=3)
    b = account_create(platform="midjourney", name="b", daily_limit=2)
    images(10, platform="midjourney")
    data = ok(claim(worker_api, max_tasks=10))
    assert len(data) == 5
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.used_today, b.used_today) == (3, 2)
    assert Task.objects.filter(platform_account_id=a.id).count() == 3


def test_yesterdays_usage_does_not_count(worker_api, images):
    account = account_create(platform="midjourney", name="a", daily_limit=2)
    PlatformAccount.objects.filter(id=account.id).update(used_today=2, usage_date="2000-01-01")
    images(3, platform="midjourney")
    assert len(ok(claim(worker_api, max_tasks=3))) == 2
    account.refresh_from_db()
    assert account.used_today == 2 and account.usage_date == utc_today()


@pytest.mark.django_db(transaction=True)
def test_concurrent_claimers_never_pass_the_daily_limit():
    project = Project.objects.create(name="q", project_type="custom")
    accounts = [
        account_create(platform="midjourney", name=f"acc{i}", daily_limit=50) for i in range(3)
    ]
    specs = [TaskSpec(project_id=project.id, task_type="img", platform="midjourney")] * 400
    tasks_create(specs)
    claimed, errors = [], []
    barrier = threading.Barrier(32)
    actor = worker_actor()

    def worker(index):
        try:
            barrier.wait()
            while True:
                got = tasks_claim(
                    actor=actor, task_types=["img"], max_tasks=1 + index % 4, worker_id=str(index)
                )
                if not got:
                    break
                claimed.extend(t.id for t in got)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    # A claimer may stop early after a race; a last sweep takes what quota is left.
    while got := tasks_claim(actor=actor, task_types=["img"], max_tasks=100):
        claimed.extend(t.id for t in got)
    rows = PlatformAccount.objects.filter(id__in=[a.id for a in accounts])
    used = {a.id: a.used_today for a in rows}
    assert all(n <= 50 for n in used.values()), used
    assert sum(used.values()) == 150
    assert len(claimed) == len(set(claimed)) == 150
    bound = Task.objects.filter(status="processing").values_list("platform_account_id", flat=True)
    assert {acc: list(bound).count(acc) for acc in used} == used
