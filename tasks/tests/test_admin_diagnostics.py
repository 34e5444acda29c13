"""The task list and page as an operator reads them: the lease's state, attempts, the last
worker, the error, relative times; the page view-only, with its attempts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.testing import ok
from projects.models import Project
from tasks.models import Task, TaskAttempt
from tasks.testing import claim, report


@pytest.fixture
def stale(worker_api, create_task):
    """A processing task whose worker went silent 7 minutes ago."""
    task = create_task(max_attempts=3)
    ok(claim(worker_api, "video_generation", worker_id="gpu-7"))
    Task.objects.filter(id=task["id"]).update(
        lease_expires_at=timezone.now() - timedelta(minutes=7)
    )
    return Task.objects.get(id=task["id"])


def changelist(admin_client, **params):
    response = admin_client.get(reverse("admin:tasks_task_changelist"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_an_expired_lease_is_marked_in_the_list(admin_client, stale):
    page = changelist(admin_client)
    assert "processing" in page
    assert "· lease expired 7 min ago" in page
    assert "1/3" in page  # attempts
    assert "gpu-7" in page


def test_the_lease_filter_finds_expired_and_live_leases(admin_client, stale, create_task):
    live = create_task()
    Task.objects.filter(id=live["id"]).update(
        status="processing", lease_expires_at=timezone.now() + timedelta(minutes=5)
    )
    idle = create_task()
    expired_page = changelist(admin_client, lease="expired")
    assert f'href="/admin/tasks/task/{stale.id}/change/' in expired_page
    assert f'href="/admin/tasks/task/{live["id"]}/change/' not in expired_page
    live_page = changelist(admin_client, lease="live")
    assert f'href="/admin/tasks/task/{live["id"]}/change/' in live_page
    assert f'href="/admin/tasks/task/{stale.id}/change/' not in live_page
    assert f'href="/admin/tasks/task/{idle["id"]}/change/' not in live_page


def test_the_list_keeps_the_last_worker_and_shortens_the_error(
    admin_client, worker_api, create_task
):
    create_task()
    claimed = ok(claim(worker_api, "video_generation", worker_id="gpu-9"))
    error = "Traceback: " + "very long line" * 20
    ok(report(worker_api, claimed, status="failed", error_message=error))
    page = changelist(admin_client)
    assert "gpu-9" in page
    assert f'title="{error}"' in page  # the whole error one hover away
    assert "<time datetime=" in page and ">just now</time>" in page  # updated, relative


def test_a_tasks_page_is_view_only_with_its_attempts_and_no_lease_token(
    admin_client, stale, worker_api
):
    ok(claim(worker_api, "video_generation", worker_id="gpu-8"))  # takes the lease over
    task = Task.objects.get(id=stale.id)
    page = admin_client.get(reverse("admin:tasks_task_change", args=[task.id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert task.lease_token not in html
    assert "lease_token" not in html
    assert "Attempts" in html
    assert "gpu-7" in html and "gpu-8" in html
    assert TaskAttempt.Outcome.LEASE_EXPIRED.label in html
    assert "Lease expired; the worker did not report." in html
    # POSTing the form changes nothing (the page is read-only for everyone).
    response = admin_client.post(
        reverse("admin:tasks_task_change", args=[task.id]), {"status": "completed"}
    )
    assert response.status_code == 403
    assert Task.objects.get(id=task.id).status == Task.Status.PROCESSING


def test_list_actions_still_work_with_the_page_view_only(admin_client, stale):
    response = admin_client.post(
        reverse("admin:tasks_task_changelist"),
        {"action": "release", "_selected_action": [stale.id]},
        follow=True,
    )
    assert response.status_code == 200
    assert Task.objects.get(id=stale.id).status == Task.Status.PENDING
    assert TaskAttempt.objects.get(task_id=stale.id).outcome == TaskAttempt.Outcome.RELEASED


def test_the_projects_task_inline_shows_error_attempts_duration_and_the_marker(admin_client, stale):
    Task.objects.filter(id=stale.id).update(error_message="quota refused")
    project = Project.objects.get(id=stale.project_id)
    html = admin_client.get(
        reverse("admin:projects_project_change", args=[project.id])
    ).content.decode()
    assert "lease expired 7 min ago" in html
    assert "1/3" in html and "quota refused" in html and "gpu-7" in html
    assert "7 min" in html  # running for 7 minutes and more


def test_the_list_and_a_page_run_a_constant_number_of_queries(
    admin_client, worker_api, create_task
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counted(url):
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        return len(queries)

    def work(n):
        for _ in range(n):
            create_task(max_attempts=3)
        for claimed in ok(claim(worker_api, "video_generation", max_tasks=n, worker_id="w")):
            ok(report(worker_api, claimed, status="failed", error_message="boom"))

    work(2)
    first = Task.objects.order_by("id").first()
    list_url = reverse("admin:tasks_task_changelist")
    page_url = reverse("admin:tasks_task_change", args=[first.id])
    small = (counted(list_url), counted(page_url))
    work(20)
    Task.objects.update(available_at=timezone.now())
    ok(claim(worker_api, "video_generation", max_tasks=30, worker_id="w2"))  # second attempts
    assert counted(list_url) == small[0]
    # The page shows more attempts now in as many queries (one fewer once the content
    # types are cached), never one per attempt.
    assert counted(page_url) <= small[1]
