"""The audit trail in the console: each object's History page, the filterable Audit list,
read-only for everyone, readable by viewers, and never a secret on either page."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.services import account_create, account_update
from core import audit
from core.actors import Actor
from core.models import AuditEntry
from core.roles import Role
from core.testing import make_person
from core.tests.audit_helpers import OPERATOR, act, operator_console, post_form
from inspirations.services import inspiration_create, inspiration_reject

LIST = "/admin/core/auditentry/"


@pytest.fixture
def operator(db):
    return operator_console()


@pytest.fixture
def viewer(db):
    client = Client()
    client.force_login(make_person("vera", Role.VIEWER))
    return client


@pytest.fixture
def superuser(db):
    user = get_user_model().objects.create_superuser("root", "", "pw")
    client = Client()
    client.force_login(user)
    return client


def test_the_history_page_shows_entries_and_form_edits_newest_first(operator):
    with audit.acting_as(Actor.n8n(execution_id="exec-9")):
        inspiration = inspiration_create(title="idea")
    url = f"/admin/inspirations/inspiration/{inspiration.pk}/"
    post_form(operator, f"{url}change/", review_notes="needs a hook")
    act(operator, "/admin/inspirations/inspiration/", "reject", inspiration.pk)
    page = operator.get(f"{url}history/")
    assert page.status_code == 200
    html = page.content.decode()
    rows = page.context["audit_rows"]
    assert [row["action"] for row in rows][:1] == ["inspiration.reject"]
    assert {row["action"] for row in rows} == {
        "inspiration.create",
        "inspiration.update",
        "inspiration.reject",
        "admin.change",
    }
    assert rows[-1]["action"] == "inspiration.create"
    assert "draft → rejected" in html
    assert OPERATOR in html and "exec-9" in html
    assert "review_notes: — → needs a hook" in html
    assert "this object in the audit trail" in html


def test_every_audited_admin_has_the_history_with_the_trail(db):
    from django.contrib.admin import site

    from core.admin_audit import AuditHistoryAdmin

    for model in audit.AUDITED_MODELS():
        assert isinstance(site._registry[model], AuditHistoryAdmin), model


def test_the_audit_list_filters_by_action_actor_kind_and_target_type(operator):
    inspiration = inspiration_create(title="idea")
    with audit.acting_as(Actor.command("load_demo")):
        account = account_create(platform="runway", name="r")
    inspiration_reject(inspiration=inspiration, review_notes="no")

    def listed(query: str) -> set[str]:
        page = operator.get(f"{LIST}?{query}")
        assert page.status_code == 200, query
        return {entry.action for entry in page.context["cl"].result_list}

    assert listed("action=inspiration.reject") == {"inspiration.reject"}
    assert listed("actor_kind=command") == {"account.create"}
    from django.contrib.contenttypes.models import ContentType

    account_type = ContentType.objects.get_for_model(account)
    assert listed(f"target_type={account_type.pk}") == {"account.create"}
    assert listed(f"q={inspiration.pk}") >= {"inspiration.create", "inspiration.reject"}
    assert listed("q=load_demo") == {"account.create"}
    assert listed("q=not-a-number") == set()
    assert listed("q=99999999999999999999999") == set()  # past bigint: no 500


def test_search_finds_an_n8n_execution(operator):
    with audit.acting_as(Actor.n8n(execution_id="exec-777")):
        inspiration_create(title="from n8n")
    page = operator.get(f"{LIST}?q=exec-777")
    assert [e.execution_id for e in page.context["cl"].result_list] == ["exec-777"]


def test_viewers_read_the_audit_list_and_nobody_edits_it(viewer, operator, superuser):
    inspiration_create(title="idea")
    entry = AuditEntry.objects.get()
    assert viewer.get(LIST).status_code == 200
    assert viewer.get(f"{LIST}{entry.pk}/change/").status_code == 200
    for client in (viewer, operator, superuser):
        assert client.get(f"{LIST}add/").status_code == 403
        assert client.post(f"{LIST}{entry.pk}/change/", {"action": "x"}).status_code == 403
        assert client.post(f"{LIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        page = client.get(LIST)
        assert "delete_selected" not in page.content.decode()
    assert AuditEntry.objects.get().action == "inspiration.create"


def test_no_secret_shows_in_the_audit_pages(operator):
    account = account_create(platform="runway", name="r", credentials={"k": "sk-secret-1"})
    account_update(account=account, credentials={"k": "sk-secret-2"})
    pages = [
        operator.get(LIST).content.decode(),
        operator.get(f"/admin/accounts/platformaccount/{account.pk}/history/").content.decode(),
        *(
            operator.get(f"{LIST}{entry.pk}/change/").content.decode()
            for entry in AuditEntry.objects.all()
        ),
    ]
    assert all("sk-secret" not in page for page in pages)
    assert any("credentials replaced" in page for page in pages)
