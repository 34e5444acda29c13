"""Pointing a project type at a workflow needs the permission projects.set_workflow_urls, in
the API (403 otherwise) and in the admin (the fields are read-only otherwise)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client, override_settings

from core.testing import error, ok, token_client
from projects.models import ProjectType

N8N = "https://n8n.example.com/webhook/inspiration"


@pytest.fixture(autouse=True)
def _n8n_allowed():
    with override_settings(N8N_ALLOWED_HOSTS=["n8n.example.com"]):
        yield


def stored() -> ProjectType:
    return ProjectType.objects.get(code="video_generation")


def test_without_the_permission_setting_a_url_is_403_and_nothing_changes(api, video):
    body = {"name": "Renamed", "inspiration_workflow_url": N8N}
    response = api.put("/api/project-types/video_generation", body, format="json")
    assert error(response, 403) == (
        "Permission projects.set_workflow_urls is required to set inspiration_workflow_url."
    )
    assert (stored().name, stored().inspiration_workflow_url) == (video.name, "")


def test_without_the_permission_a_type_with_urls_is_not_created(api):
    body = {"code": "reel", "name": "Reel", "transform_workflow_url": N8N}
    message = error(api.post("/api/project-types", body, format="json"), 403)
    assert message == (
        "Permission projects.set_workflow_urls is required to set transform_workflow_url."
    )
    assert not ProjectType.objects.filter(code="reel").exists()


def test_without_the_permission_other_fields_can_still_be_edited(api, video):
    data = ok(api.put("/api/project-types/video_generation", {"name": "Renamed"}, format="json"))
    assert data["name"] == "Renamed"
    ok(api.post("/api/project-types", {"code": "reel", "name": "Reel"}, format="json"), 201)


def test_without_the_permission_a_url_can_be_cleared_or_sent_back_unchanged(api, video):
    ProjectType.objects.filter(pk=video.pk).update(transform_workflow_url=N8N)
    type_as_read = ok(api.get("/api/project-types/video_generation"))
    ok(api.put("/api/project-types/video_generation", type_as_read, format="json"))
    assert stored().transform_workflow_url == N8N
    body = {"transform_workflow_url": ""}
    ok(api.put("/api/project-types/video_generation", body, format="json"))
    assert stored().transform_workflow_url == ""


def test_with_the_permission_setting_a_url_works(integrator, video):
    body = {"inspiration_workflow_url": N8N, "execution_workflow_url": N8N}
    data = ok(integrator.put("/api/project-types/video_generation", body, format="json"))
    assert (data["inspiration_workflow_url"], data["execution_workflow_url"]) == (N8N, N8N)
    assert stored().execution_workflow_url == N8N


def test_the_permission_may_come_from_a_group(db, video):
    group = Group.objects.create(name="integrators")
    group.permissions.add(Permission.objects.get(codename="set_workflow_urls"))
    client = token_client("via-group")
    get_user_model().objects.get(username="via-group").groups.add(group)
    body = {"inspiration_workflow_url": N8N}
    ok(client.put("/api/project-types/video_generation", body, format="json"))
    assert stored().inspiration_workflow_url == N8N


def admin_client(*, with_permission: bool) -> Client:
    user = get_user_model().objects.create_user("editor", password="pw", is_staff=True)
    codenames = ["view_projecttype", "change_projecttype", "add_projecttype"]
    if with_permission:
        codenames.append("set_workflow_urls")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="projects", codename__in=codenames)
    )
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_shows_the_urls_read_only_without_the_permission(db, video, admin_form):
    client = admin_client(with_permission=False)
    url = f"/admin/projects/projecttype/{video.id}/change/"
    page = client.get(url).content.decode()
    assert 'name="name"' in page
    assert 'name="inspiration_workflow_url"' not in page
    response = client.post(url, admin_form(video, name="Renamed", inspiration_workflow_url=N8N))
    assert response.status_code == 302
    assert (stored().name, stored().inspiration_workflow_url) == ("Renamed", "")
    assert (
        'name="transform_workflow_url"'
        not in client.get("/admin/projects/projecttype/add/").content.decode()
    )


def test_the_admin_lets_a_user_with_the_permission_set_a_url(db, video, admin_form):
    client = admin_client(with_permission=True)
    url = f"/admin/projects/projecttype/{video.id}/change/"
    assert 'name="inspiration_workflow_url"' in client.get(url).content.decode()
    response = client.post(url, admin_form(video, inspiration_workflow_url=N8N))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored().inspiration_workflow_url == N8N
