"""Finding 1: no single token can bind a platform account to a task and read its secret."""

import pytest

from accounts.models import PlatformAccount
from accounts.services import account_create
from core.roles import Role
from core.testing import error, ok, token_client
from projects.models import Project
from tasks.models import Task

SECRET = "sk-live-do-not-leak"


@pytest.fixture
def account(db):
    return account_create(
        platform="dreamina", name="main", credentials={"api_key": SECRET, "secret": "s2"}
    )


@pytest.fixture
def project(db):
    return Project.objects.create(name="p", project_type="custom")


def exfil_task(client, project, account):
    body = {"project_id": project.id, "task_type": "exfil", "platform_account_id": account.id}
    return client.post("/api/tasks", body, format="json")


def test_a_client_binds_an_account_but_cannot_claim_its_task(api, project, account):
    ok(exfil_task(api, project, account), 201)
    response = api.post("/api/tasks/claim", {"task_types": ["exfil"]}, format="json")
    assert error(response, 403).startswith("Forbidden for a client token")
    assert SECRET not in response.content.decode()
    task = Task.objects.get()
    assert (task.status, task.attempts, task.lease_token) == ("pending", 0, None)
    assert PlatformAccount.objects.get().used_today == 0


def test_a_worker_cannot_create_a_task_bound_to_an_account(worker_api, project, account):
    assert error(exfil_task(worker_api, project, account), 403)
    assert not Task.objects.exists()


def test_a_worker_cannot_rebind_a_task_it_holds(api, worker_api, project, account):
    body = {"project_id": project.id, "task_type": "t"}
    task = ok(api.post("/api/tasks", body, format="json"), 201)
    claimed = ok(worker_api.post("/api/tasks/claim", {"task_types": ["t"]}, format="json"))
    body = {"platform_account_id": account.id, "lease_token": claimed["lease_token"]}
    response = worker_api.patch(f"/api/tasks/{task['id']}", body, format="json")
    assert error(response, 403).startswith("platform_account_id: A worker token may set only")
    assert Task.objects.get().platform_account_id is None


def test_a_client_cannot_patch_its_way_to_a_worker_claim(api, project, account):
    body = {"project_id": project.id, "task_type": "t"}
    task = ok(api.post("/api/tasks", body, format="json"), 201)
    ok(api.patch(f"/api/tasks/{task['id']}", {"platform_account_id": account.id}, format="json"))
    response = api.post("/api/tasks/claim", {"task_types": ["t"]}, format="json")
    assert error(response, 403)
    assert Task.objects.get().status == "pending"


def test_only_the_worker_claim_shows_the_bound_accounts_credentials(
    api, worker_api, project, account
):
    ok(exfil_task(api, project, account), 201)
    claimed = ok(worker_api.post("/api/tasks/claim", {"task_types": ["exfil"]}, format="json"))
    assert claimed["credentials"] == {"api_key": SECRET, "secret": "s2"}
    for reader in (api, worker_api, token_client("front", Role.CLIENT)):
        for url in (f"/api/tasks/{claimed['id']}", "/api/tasks", f"/projects/{project.id}"):
            response = reader.get(url)
            assert SECRET not in response.content.decode()
            assert claimed["lease_token"] not in response.content.decode()
