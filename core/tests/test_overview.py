"""The console's operations overview at /admin/: what it shows, where its numbers lead, who
sees what, and a number of queries that does not grow with the factory."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import PlatformAccount, utc_today
from core.models import WorkflowRun
from core.roles import Role
from core.testing import grant, make_person
from inspirations.models import Inspiration
from projects.models import Project
from tasks.models import Task
from tasks.selectors import task_stats

# Session, user, recent actions; then the panels: task stats (2), failed and expired (2),
# workers (1), accounts (1), runs (3), drafts (2).
OVERVIEW_QUERIES = 14
NUMBER_LINK = re.compile(r'<a href="(/admin/[^"]+)"[^>]*>(\d+)</a>')


@pytest.fixture
def superuser_console(db):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-boss-1")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def demo_day(db):
    call_command("load_demo", stdout=io.StringIO())


def overview(client) -> str:
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def number_links(html: str) -> list[tuple[str, int]]:
    return [(url.replace("&amp;", "&"), int(count)) for url, count in NUMBER_LINK.findall(html)]


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    # An unknown filter parameter makes the admin redirect with ?e=1: it must not happen.
    assert "e=1" not in response.get("Location", ""), url
    return response.context["cl"].result_count


def test_the_console_is_branded_and_view_site_leads_to_the_api_docs(superuser_console):
    html = overview(superuser_console)
    assert "<title>Operations overview | ShortsGen console</title>" in html
    assert 'id="site-name"><a href="/admin/">ShortsGen console</a>' in html
    view_site = re.search(r'<a href="([^"]+)">View site</a>', html).group(1)
    assert view_site.rstrip("/") == "/api/docs"
    assert superuser_console.get(view_site).status_code == 200


def test_every_number_of_the_demo_day_leads_to_a_list_of_as_many_rows(superuser_console, demo_day):
    links = number_links(overview(superuser_console))
    assert len(links) > 60
    for url, count in links:
        assert listed(superuser_console, url) == count, url


def test_the_task_queue_is_what_the_api_stats_count(superuser_console, demo_day):
    html = overview(superuser_console)
    for stats in task_stats():
        row = re.search(rf'<tr data-task-type="{stats["task_type"]}">(.*?)</tr>', html, re.S)
        counts = [int(n) for n in re.findall(r">(\d+)</a>", row.group(1))]
        assert counts == [*stats["counts"].values(), stats["ready"]]


def test_the_demo_day_fills_every_panel(superuser_console, demo_day):
    html = overview(superuser_console)
    numbers = dict(re.findall(r'id="overview-([a-z0-9-]+)"(?: class="alert")?>(\d+)</a>', html))
    assert numbers == {
        "failed-24h": "4",
        "expired-leases": "2",
        "exhausted": "1",
        "inactive": "1",
        "runs-failed": "3",
        "runs-stuck": "1",
        "awaiting-review": "5",
    }
    for worker in ("render-01", "render-02", "gpu-03"):
        assert f'<th scope="row">{worker}</th>' in html
    assert "render-04" not in html  # crashed: its leases ran out
    assert '<span class="sg-tag exhausted">exhausted</span>' in html
    assert '<span class="sg-tag inactive">inactive</span>' in html
    assert "n8n could not be reached: the connection failed." in html


def test_a_failure_older_than_a_day_is_not_counted_as_recent(superuser_console):
    project = Project.objects.create(name="p", project_type="custom")
    old, _recent = Task.objects.bulk_create(
        [Task(project=project, task_type="t", status="failed") for _ in range(2)]
    )
    Task.objects.filter(id=old.id).update(updated_at=timezone.now() - timedelta(hours=25))
    html = overview(superuser_console)
    assert re.search(r'id="overview-failed-24h" class="alert">1</a>', html)
    assert listed(superuser_console, "/admin/tasks/task/?failed=24h&deleted=no") == 1


def test_a_lease_that_ran_out_is_expired_and_its_worker_no_longer_live(superuser_console):
    project = Project.objects.create(name="p", project_type="custom")
    now = timezone.now()
    Task.objects.bulk_create(
        [
            Task(
                project=project,
                task_type="t",
                status="processing",
                worker_id="w-live",
                lease_expires_at=now + timedelta(minutes=5),
            ),
            Task(
                project=project,
                task_type="t",
                status="processing",
                worker_id="w-gone",
                lease_expires_at=now - timedelta(minutes=1),
            ),
        ]
    )
    html = overview(superuser_console)
    assert re.search(r'id="overview-expired-leases" class="alert">1</a>', html)
    assert '<th scope="row">w-live</th>' in html
    assert "w-gone" not in html


def test_a_run_pending_longer_than_the_setting_is_stuck(superuser_console, settings):
    settings.WORKFLOW_RUN_PENDING_TOO_LONG_MINUTES = 30
    runs = WorkflowRun.objects.bulk_create(
        [WorkflowRun(kind="transform", target_type="inspiration", target_id=1) for _ in range(2)]
    )
    WorkflowRun.objects.filter(id=runs[0].id).update(
        updated_at=timezone.now() - timedelta(minutes=31)
    )
    html = overview(superuser_console)
    assert re.search(r'id="overview-runs-stuck" class="alert">1</a>', html)
    assert "pending over 30 min" in html


def test_a_viewer_sees_the_panels_of_what_it_may_view_only(db):
    person = make_person("looker", None)
    grant("looker", "tasks.view_task", "inspirations.view_inspiration")
    client = Client()
    client.force_login(person)
    html = overview(client)
    for shown in ("overview-queue", "overview-trouble", "overview-workers", "overview-review"):
        assert f'id="{shown}"' in html
    for hidden in ("overview-quota", "overview-workflow-runs"):
        assert f'id="{hidden}"' not in html


def test_the_viewer_group_sees_every_panel_and_someone_without_rights_none(db):
    viewer = Client()
    viewer.force_login(make_person("viewer-1", Role.VIEWER))
    assert overview(viewer).count('class="module') >= 6
    nobody = Client()
    nobody.force_login(make_person("nobody", None))
    assert 'class="sg-overview"' not in overview(nobody)


def build_factory(n: int) -> None:
    """n of each kind: projects with tasks in every status, task types, workers holding
    live leases, expired leases, accounts (one exhausted, one inactive), runs, drafts."""
    now = timezone.now()
    projects = Project.objects.bulk_create(
        [Project(name=f"p{n}-{i}", project_type="custom") for i in range(n)]
    )
    tasks = []
    for i, project in enumerate(projects):
        for status in Task.Status.values:
            tasks.append(Task(project=project, task_type=f"type-{n}-{i}", status=status))
        tasks.append(
            Task(
                project=project,
                task_type=f"type-{n}-{i}",
                status="processing",
                worker_id=f"worker-{n}-{i}",
                lease_expires_at=now + timedelta(minutes=5),
            )
        )
        tasks.append(
            Task(
                project=project,
                task_type=f"type-{n}-{i}",
                status="processing",
                worker_id=f"crashed-{n}-{i}",
                lease_expires_at=now - timedelta(minutes=5),
            )
        )
    Task.objects.bulk_create(tasks)
    PlatformAccount.objects.bulk_create(
        [
            PlatformAccount(
                platform="runway",
                name=f"a{n}-{i}",
                daily_limit=10,
                used_today=10 if i % 3 == 0 else i % 10,
                usage_date=utc_today(),
                status="inactive" if i % 3 == 1 else "active",
            )
            for i in range(n)
        ]
    )
    WorkflowRun.objects.bulk_create(
        [
            WorkflowRun(kind="transform", target_type="inspiration", target_id=i, state=state)
            for i in range(n)
            for state in WorkflowRun.State.values
        ]
    )
    Inspiration.objects.bulk_create(
        [Inspiration(title=f"idea {i}", status=s) for i in range(n) for s in ("draft", "approved")]
    )


def test_the_overview_costs_the_same_queries_with_ten_times_the_factory(
    superuser_console, django_assert_num_queries
):
    build_factory(2)
    with django_assert_num_queries(OVERVIEW_QUERIES):
        overview(superuser_console)
    build_factory(20)
    assert Task.objects.count() == 22 * 7
    with django_assert_num_queries(OVERVIEW_QUERIES):
        html = overview(superuser_console)
    assert html.count('<th scope="row">worker-') == 22
    assert html.count('<tr data-task-type="type-') == 22
