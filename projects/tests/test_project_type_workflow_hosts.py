"""A project type's workflow URLs must be http(s) to a host[:port] in N8N_ALLOWED_HOSTS,
however they are set: the API, the admin, the services."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from core.exceptions import ApplicationError
from core.testing import error, ok
from projects import services
from projects.models import ProjectType

N8N = "http://n8n:5678/webhook/inspiration"
INTERNAL = "http://10.0.0.5/admin"


@pytest.fixture(autouse=True)
def _n8n_allowed():
    with override_settings(N8N_ALLOWED_HOSTS=["n8n:5678"]):
        yield


def stored(code: str = "video_generation") -> ProjectType:
    return ProjectType.objects.get(code=code)


def test_an_internal_host_is_refused_naming_the_field_and_nothing_changes(integrator, video):
    body = {"name": "Renamed", "inspiration_workflow_url": INTERNAL}
    response = integrator.put("/api/project-types/video_generation", body, format="json")
    assert error(response, 400) == (
        "inspiration_workflow_url: Host 10.0.0.5:80 is not in N8N_ALLOWED_HOSTS."
    )
    assert (stored().name, stored().inspiration_workflow_url) == (video.name, "")


def test_every_refused_field_is_named(integrator):
    body = {
        "code": "reel",
        "name": "Reel",
        "transform_workflow_url": "http://169.254.169.254/latest/meta-data/",
        "execution_workflow_url": "file:///etc/passwd",
    }
    assert error(integrator.post("/api/project-types", body, format="json"), 400) == (
        "transform_workflow_url: Host 169.254.169.254:80 is not in N8N_ALLOWED_HOSTS.; "
        "execution_workflow_url: Only http and https URLs are allowed."
    )
    assert not ProjectType.objects.filter(code="reel").exists()


def test_a_single_label_host_on_the_allowlist_is_accepted(integrator):
    body = {"code": "reel", "name": "Reel", "inspiration_workflow_url": N8N}
    data = ok(integrator.post("/api/project-types", body, format="json"), 201)
    assert data["inspiration_workflow_url"] == N8N
    assert stored("reel").inspiration_workflow_url == N8N


def test_the_same_host_on_another_port_is_refused(integrator, video):
    body = {"execution_workflow_url": "http://n8n:6379/"}
    response = integrator.put("/api/project-types/video_generation", body, format="json")
    assert error(response, 400) == (
        "execution_workflow_url: Host n8n:6379 is not in N8N_ALLOWED_HOSTS."
    )
    assert stored().execution_workflow_url == ""


def test_the_permission_is_checked_before_the_allowlist(api, video):
    body = {"inspiration_workflow_url": INTERNAL}
    assert error(api.put("/api/project-types/video_generation", body, format="json"), 403)


def test_a_stored_url_sent_back_unchanged_is_not_checked_again(integrator, video):
    ProjectType.objects.filter(pk=video.pk).update(execution_workflow_url="http://old:5678/x")
    type_as_read = ok(integrator.get("/api/project-types/video_generation"))
    body = {**type_as_read, "name": "Renamed"}
    ok(integrator.put("/api/project-types/video_generation", body, format="json"))
    assert (stored().name, stored().execution_workflow_url) == ("Renamed", "http://old:5678/x")


def test_the_services_refuse_an_internal_host_too(video):
    with pytest.raises(ApplicationError) as refused:
        services.project_type_update(project_type=video, transform_workflow_url=INTERNAL)
    assert refused.value.message == (
        "transform_workflow_url: Host 10.0.0.5:80 is not in N8N_ALLOWED_HOSTS."
    )
    with pytest.raises(ApplicationError):
        services.project_type_create(code="reel", name="Reel", inspiration_workflow_url=INTERNAL)
    reel = services.project_type_create(code="reel", name="Reel", inspiration_workflow_url=N8N)
    assert reel.inspiration_workflow_url == N8N


def superuser_client() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.com", "pw"))
    return client


def test_the_admin_refuses_a_host_off_the_allowlist_on_the_field(db, video, admin_form):
    url = f"/admin/projects/projecttype/{video.id}/change/"
    response = superuser_client().post(url, admin_form(video, execution_workflow_url=INTERNAL))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "execution_workflow_url": ["Host 10.0.0.5:80 is not in N8N_ALLOWED_HOSTS."]
    }
    assert stored().execution_workflow_url == ""


def test_the_admin_accepts_a_single_label_host_on_the_allowlist(db, video, admin_form):
    url = f"/admin/projects/projecttype/{video.id}/change/"
    response = superuser_client().post(url, admin_form(video, execution_workflow_url=N8N))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored().execution_workflow_url == N8N
