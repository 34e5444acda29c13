import io

from django.core.management import call_command

from accounts.crypto import decrypt_credentials
from accounts.models import PlatformAccount
from assets.models import Asset
from core.models import WorkflowRun
from core.testing import ok
from inspirations.demo import DEMO_INSPIRATION
from inspirations.models import Inspiration
from projects.models import Project, ProjectType
from tasks.models import Task


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    rows = {
        model.__name__: sorted(model.objects.values_list("id", "updated_at"))
        for model in (Inspiration, Project, Task, WorkflowRun, Asset)
    }
    # The accounts are refreshed (updated_at moves), their usage and status stay.
    fields = ("id", "status", "daily_limit", "used_today", "usage_date")
    return {**rows, "accounts": sorted(PlatformAccount.objects.values_list(*fields))}


def test_installs_types_accounts_and_a_draft_inspiration(db):
    output = load_demo()
    assert "video_generation" in output
    assert set(PlatformAccount.objects.values_list("platform", flat=True)) == {
        "dreamina",
        "midjourney",
        "runway",
    }
    for account in PlatformAccount.objects.all():
        assert "demo" not in account.credentials_encrypted
        assert decrypt_credentials(account.credentials_encrypted)["api_key"].startswith("demo-")
    inspiration = Inspiration.objects.get(title=DEMO_INSPIRATION["title"])
    assert inspiration.status == Inspiration.Status.DRAFT
    assert inspiration.project_type_code == "video_generation"


def test_the_day_has_something_in_every_state(db):
    load_demo()
    assert Inspiration.objects.count() == 24
    assert set(Inspiration.objects.values_list("status", flat=True)) == set(
        Inspiration.Status.values
    )
    assert Inspiration.objects.filter(status="draft").count() == 5
    assert Project.objects.count() == 17
    assert set(Project.objects.values_list("status", flat=True)) == set(Project.Status.values)
    assert Task.objects.count() == 118
    assert set(Task.objects.values_list("status", flat=True)) == set(Task.Status.values)
    assert Asset.objects.exists()
    accounts = {account.name: account for account in PlatformAccount.objects.all()}
    assert accounts["midjourney_demo"].remaining_quota == 0
    assert accounts["runway_backup"].status == PlatformAccount.Status.INACTIVE
    assert accounts["dreamina_demo"].is_available
    runs = WorkflowRun.objects.all()
    assert {run.state for run in runs} == {"failed", "pending"}
    assert {run.error for run in runs.filter(state="failed")} == {
        "n8n could not be reached: the connection failed."
    }


def test_the_day_keeps_the_project_counters_exact(db):
    load_demo()
    for project in Project.objects.all():
        tasks = Task.objects.filter(project=project)
        assert project.total_tasks == tasks.count()
        assert project.completed_tasks == tasks.filter(status="completed").count()
        assert project.failed_tasks == tasks.filter(status="failed").count()


def test_running_it_again_changes_and_duplicates_nothing(db):
    load_demo()
    before = snapshot()
    output = load_demo()
    assert "no demo day added" in output
    assert ProjectType.objects.count() == 3
    assert snapshot() == before


def test_the_day_is_not_added_to_a_factory_with_projects(api):
    ok(api.post("/projects", {"name": "mine", "project_type": "custom"}, format="json"), 201)
    load_demo()
    assert list(Project.objects.values_list("name", flat=True)) == ["mine"]
    assert list(Inspiration.objects.values_list("title", flat=True)) == [DEMO_INSPIRATION["title"]]


def test_a_reviewed_demo_inspiration_is_left_as_it_is(api):
    load_demo()
    inspiration = Inspiration.objects.get(title=DEMO_INSPIRATION["title"])
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/approve"))
    assert ok(api.get(f"/projects/{data['project_id']}"))["total_tasks"] == 6
    load_demo()
    assert Inspiration.objects.get(id=inspiration.id).status == "approved"


def test_demo_account_usage_survives_a_reload(db):
    load_demo()
    PlatformAccount.objects.filter(name="runway_demo").update(used_today=7)
    load_demo()
    assert PlatformAccount.objects.get(name="runway_demo").used_today == 7
