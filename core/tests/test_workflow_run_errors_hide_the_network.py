"""A failed trigger tells the API client what happened in our words only.

Whatever answered (n8n, or a service a workflow URL pointed at) and how the connection failed
stays with the operators: the reply's start in `response_excerpt` (admin only), the exception
in the log.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from core.models import WorkflowRun
from core.n8n import RESPONSE_EXCERPT_CHARS, workflow_run_retry
from core.testing import trigger_failed
from core.testing_n8n import FakeN8n
from inspirations import services as inspiration_services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def n8n(settings):
    server = FakeN8n()
    settings.N8N_RETRIES = 0
    settings.N8N_CONNECT_TIMEOUT = 2
    settings.N8N_READ_TIMEOUT = 5
    settings.N8N_INSPIRATION_WORKFLOW_URL = server.url("/webhook/inspiration")
    settings.N8N_ALLOWED_HOSTS = [f"127.0.0.1:{server.port}"]
    yield server
    server.stop()


@pytest.fixture
def idea(demo_types):
    return inspiration_services.inspiration_create(
        title="night city", project_type_code="video_generation"
    )


def regenerate(api, idea):
    return api.post(f"/api/inspirations/{idea.id}/regenerate")


def test_the_reply_body_is_kept_for_the_admin_and_never_shown_to_the_client(api, n8n, idea):
    n8n.status = 418
    n8n.body = {"error": "I'm a teapot", "config": "db_host=10.0.0.7 db_password=secret"}
    response = regenerate(api, idea)
    data = trigger_failed(response)
    assert data["workflow_run"]["error"] == "n8n answered HTTP 418."
    assert response.json()["msg"] == (
        "Saved, but the n8n workflow was not triggered: n8n answered HTTP 418."
    )
    assert "db_password" not in response.content.decode()
    assert "response_excerpt" not in response.content.decode()
    run = WorkflowRun.objects.get()
    assert run.http_status == 418
    assert "db_password=secret" in run.response_excerpt

    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(admin)
    page = client.get(f"/admin/core/workflowrun/{run.id}/change/").content.decode()
    assert "db_password=secret" in page


def test_only_the_start_of_a_long_reply_is_kept(api, n8n, idea):
    n8n.status = 500
    n8n.body = "x" * 10_000
    trigger_failed(regenerate(api, idea))
    assert len(WorkflowRun.objects.get().response_excerpt) == RESPONSE_EXCERPT_CHARS


def test_a_refused_connection_says_neither_the_port_nor_the_os_error(api, n8n, idea):
    port = n8n.port
    n8n.stop()
    response = regenerate(api, idea)
    data = trigger_failed(response)
    error = data["workflow_run"]["error"]
    assert error == "n8n could not be reached: the connection failed."
    for text in (error, response.json()["msg"]):
        assert str(port) not in text
        assert "refused" not in text.lower()
        assert "errno" not in text.lower()
    assert WorkflowRun.objects.get().response_excerpt == ""


def test_a_timeout_says_neither_the_port_nor_the_os_error(api, n8n, idea, settings):
    settings.N8N_READ_TIMEOUT = 0.2
    n8n.delay = 1
    response = regenerate(api, idea)
    data = trigger_failed(response)
    error = data["workflow_run"]["error"]
    assert error == "n8n could not be reached: the request timed out."
    for text in (error, response.json()["msg"]):
        assert str(n8n.port) not in text
        assert "read timed out" not in text.lower()
        assert "127.0.0.1" not in text


def test_a_redirect_is_not_followed(api, n8n, idea):
    elsewhere = FakeN8n()
    try:
        n8n.status = 307
        n8n.headers = {"Location": elsewhere.url("/internal")}
        data = trigger_failed(regenerate(api, idea))
        assert data["workflow_run"]["error"] == "n8n answered HTTP 307."
        assert elsewhere.requests == []
        assert len(n8n.requests) == 1
    finally:
        elsewhere.stop()


def test_a_successful_reply_is_kept_too_and_a_failed_retry_clears_it(api, n8n, idea):
    n8n.status = 500
    trigger_failed(regenerate(api, idea))
    run = WorkflowRun.objects.get()
    n8n.stop()
    run = workflow_run_retry(run_id=run.id)
    assert (run.state, run.http_status, run.response_excerpt) == ("failed", None, "")
    n8n.start()
    n8n.status = 200
    run = workflow_run_retry(run_id=run.id)
    assert run.state == "succeeded"
    assert run.response_excerpt == '{"message": "Workflow was started"}'
