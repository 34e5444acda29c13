import io

from django.core.management import call_command

from accounts.crypto import decrypt_credentials
from accounts.models import PlatformAccount
from core.testing import ok
from inspirations.models import Inspiration
from projects.models import ProjectType


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_installs_types_accounts_and_a_draft_inspiration(db):
    output = load_demo()
    assert "video_generation" in output
    assert set(PlatformAccount.objects.values_list("platform", flat=True)) == {
        "dreamina",
        "midjourney",
        "runway",
    }
    for account in PlatformAccount.objects.all():
        assert account.is_available
        assert "demo" not in account.credentials_encrypted
        assert decrypt_credentials(account.credentials_encrypted)["api_key"].startswith("demo-")
    [inspiration] = Inspiration.objects.all()
    assert inspiration.status == Inspiration.Status.DRAFT
    assert inspiration.project_type_code == "video_generation"


def test_running_it_again_duplicates_nothing(db):
    load_demo()
    load_demo()
    assert ProjectType.objects.count() == 3
    assert PlatformAccount.objects.count() == 3
    assert Inspiration.objects.count() == 1


def test_a_reviewed_demo_inspiration_is_left_as_it_is(api):
    load_demo()
    inspiration = Inspiration.objects.get()
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/approve"))
    assert ok(api.get(f"/projects/{data['project_id']}"))["total_tasks"] == 6
    load_demo()
    assert list(Inspiration.objects.values_list("id", "status")) == [(inspiration.id, "approved")]


def test_demo_account_usage_survives_a_reload(db):
    load_demo()
    PlatformAccount.objects.filter(platform="runway").update(used_today=7)
    load_demo()
    assert PlatformAccount.objects.get(platform="runway").used_today == 7
