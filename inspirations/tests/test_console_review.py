"""Reviewing an inspiration from its page in a real browser: approve with notes and a score,
then follow the message's link to the project; and the warning when n8n is down."""

import re

import pytest

from core.models import WorkflowRun
from core.testing_n8n import FakeN8n
from inspirations import services
from inspirations.models import Inspiration
from projects.models import Project

pytestmark = pytest.mark.browser


def test_approve_from_the_page_with_notes_and_score_then_open_the_project(console, demo_types):
    idea = services.inspiration_create(title="Neon city at night", project_type_code="tech_video")
    console.open(f"/admin/inspirations/inspiration/{idea.pk}/change/")
    page = console.page
    console.shot("inspiration-page")
    page.get_by_role("link", name="Approve", exact=True).click()
    page.fill("#id_review_notes", "Strong hook, keep it under 30 s")
    page.fill("#id_score", "4.5")
    console.shot("approve-form")
    page.get_by_role("button", name="Approve").click()

    message = page.locator(".messagelist .success")
    project = Project.objects.get()
    assert message.inner_text() == (
        f"Inspiration #{idea.pk} approved; project #{project.pk} “Neon city at night” created."
    )
    console.shot("approved")
    idea.refresh_from_db()
    assert (idea.status, idea.review_notes, idea.score) == (
        "approved",
        "Strong hook, keep it under 30 s",
        4.5,
    )
    # The buttons that no longer apply are gone.
    assert page.get_by_role("link", name="Approve", exact=True).count() == 0

    message.get_by_role("link", name=re.compile(f"project #{project.pk}")).click()
    page.wait_for_url(f"**/admin/projects/project/{project.pk}/change/")
    assert "Neon city at night" in page.locator("#content").inner_text()
    console.shot("its-project")


@pytest.fixture
def n8n_down(settings):
    server = FakeN8n()
    settings.N8N_RETRIES = 0
    settings.N8N_CONNECT_TIMEOUT = 2
    settings.N8N_TRANSFORM_WORKFLOW_URL = server.url("/webhook/transform")
    settings.N8N_ALLOWED_HOSTS = [f"127.0.0.1:{server.port}"]
    server.stop()
    return server


def test_approve_while_n8n_is_down_warns_and_links_to_the_run(console, demo_types, n8n_down):
    idea = services.inspiration_create(title="Rain on glass", project_type_code="tech_video")
    console.open(f"/admin/inspirations/inspiration/{idea.pk}/actions/approve/")
    page = console.page
    page.get_by_role("button", name="Approve").click()

    warning = page.locator(".messagelist .warning")
    run = WorkflowRun.objects.get()
    assert run.state == WorkflowRun.State.FAILED
    assert warning.inner_text() == (
        f"Inspiration #{idea.pk} approved; but n8n was not reached (the connection failed) — "
        f"retry workflow run #{run.pk} when it is back."
    )
    assert page.locator(".messagelist .success").count() == 0
    console.shot("n8n-down-warning")
    assert Inspiration.objects.get(pk=idea.pk).status == "approved"

    warning.get_by_role("link", name=f"workflow run #{run.pk}").click()
    page.wait_for_url(f"**/admin/core/workflowrun/{run.pk}/change/")
    assert page.get_by_role("link", name="Retry", exact=True).count() == 1
    console.shot("the-run")
