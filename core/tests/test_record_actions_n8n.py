"""Record actions that trigger n8n say how the trigger went: a success with a link to the
workflow run, or a warning when n8n was not reached. Against a real server on loopback
(core.testing_n8n.FakeN8n); these tests commit, as the trigger is sent after the commit."""

import re

import pytest

from core.models import WorkflowRun
from core.roles import Role
from core.testing import console_messages, session_client
from core.testing_n8n import FakeN8n, point_workflows_at
from inspirations import services as inspiration_services
from inspirations.models import Inspiration
from projects.models import Project
from projects.services import project_create

pytestmark = pytest.mark.django_db(transaction=True)
RUN_PAGE = "/admin/core/workflowrun/{}/change/"


@pytest.fixture
def n8n(settings):
    server = FakeN8n()
    point_workflows_at(settings, server, settings.SHORTSGEN_PUBLIC_URL)
    settings.N8N_RETRIES = 0
    yield server
    server.stop()


@pytest.fixture
def operator(db):
    return session_client("op", Role.OPERATOR)


@pytest.fixture
def idea(demo_types):
    return inspiration_services.inspiration_create(
        title="night city", project_type_code="video_generation"
    )


def said_after(client, response):
    assert response.status_code == 302, response.content[:2000]
    return console_messages(client.get(response["Location"]))


def run_link(run) -> str:
    return f'<a href="{RUN_PAGE.format(run.pk)}">workflow run #{run.pk}</a>'


def test_approve_with_a_transform_workflow_links_to_the_started_run(operator, n8n, idea):
    response = operator.post(
        f"/admin/inspirations/inspiration/{idea.pk}/actions/approve/", {"score": "4"}
    )
    run = WorkflowRun.objects.get()
    assert said_after(operator, response) == [
        (
            "success",
            f'<a href="/admin/inspirations/inspiration/{idea.pk}/change/">Inspiration '
            f"#{idea.pk}</a> approved; n8n transform workflow started ({run_link(run)}).",
        )
    ]
    assert len(n8n.requests) == 1


def test_approve_while_n8n_is_down_warns_and_links_to_the_run(operator, n8n, idea):
    n8n.stop()
    response = operator.post(f"/admin/inspirations/inspiration/{idea.pk}/actions/approve/")
    run = WorkflowRun.objects.get()
    assert run.state == WorkflowRun.State.FAILED
    assert said_after(operator, response) == [
        (
            "warning",
            f'<a href="/admin/inspirations/inspiration/{idea.pk}/change/">Inspiration '
            f"#{idea.pk}</a> approved; but n8n was not reached (the connection failed) — "
            f"retry {run_link(run)} when it is back.",
        )
    ]
    idea.refresh_from_db()
    assert idea.status == Inspiration.Status.APPROVED


def test_the_approve_list_action_warns_too_when_n8n_is_down(operator, n8n, idea):
    n8n.stop()
    response = operator.post(
        "/admin/inspirations/inspiration/",
        {"action": "approve", "_selected_action": [idea.pk]},
    )
    [(level, text)] = said_after(operator, response)
    assert level == "warning"
    assert "n8n was not reached" in text and run_link(WorkflowRun.objects.get()) in text
    assert "created" not in text


def test_regenerate_while_n8n_is_down_warns(operator, n8n, idea):
    n8n.stop()
    response = operator.post(f"/admin/inspirations/inspiration/{idea.pk}/actions/regenerate/")
    [(level, text)] = said_after(operator, response)
    assert level == "warning"
    assert text.endswith(f"retry {run_link(WorkflowRun.objects.get())} when it is back.")


def test_project_regenerate_links_to_the_execution_run(operator, n8n, demo_types):
    project = project_create(name="clip", project_type="video_generation")
    response = operator.post(f"/admin/projects/project/{project.pk}/actions/regenerate/")
    run = WorkflowRun.objects.get(kind=WorkflowRun.Kind.EXECUTION)
    [(level, text)] = said_after(operator, response)
    assert level == "success"
    assert text == (
        f'<a href="/admin/projects/project/{project.pk}/change/">Project #{project.pk} '
        f"“clip”</a> regenerated: its tasks are queued again; n8n execution workflow "
        f"started ({run_link(run)})."
    )
    project.refresh_from_db()
    assert project.status == Project.Status.PROCESSING


def test_a_failed_run_is_retried_from_its_page_once_n8n_is_back(operator, n8n, idea):
    n8n.stop()
    operator.post(f"/admin/inspirations/inspiration/{idea.pk}/actions/approve/")
    run = WorkflowRun.objects.get()
    page = operator.get(RUN_PAGE.format(run.pk)).content.decode()
    retry_url = f"/admin/core/workflowrun/{run.pk}/actions/retry/"
    assert retry_url in page
    assert "is sent to" in operator.get(retry_url).content.decode()  # the confirmation

    # Still down: a warning again, and the button stays.
    [(level, text)] = said_after(operator, operator.post(retry_url))
    assert level == "warning" and "n8n was not reached (the connection failed)" in text

    n8n.start()
    assert said_after(operator, operator.post(retry_url)) == [
        (
            "success",
            f'<a href="{RUN_PAGE.format(run.pk)}">Workflow run #{run.pk}</a> sent again: '
            "n8n accepted it.",
        )
    ]
    run.refresh_from_db()
    assert (run.state, run.attempts) == (WorkflowRun.State.SUCCEEDED, 3)
    # Succeeded: no button, and the URL explains.
    assert retry_url not in operator.get(RUN_PAGE.format(run.pk)).content.decode()
    assert said_after(operator, operator.post(retry_url)) == [
        ("warning", f"Nothing was done: workflow run #{run.pk} is succeeded, not failed.")
    ]


def test_the_run_retry_list_action_names_the_runs_it_skipped(operator, n8n, idea):
    n8n.stop()
    inspiration_services.inspiration_approve(inspiration=idea)
    failed = WorkflowRun.objects.get()
    other = inspiration_services.inspiration_create(
        title="two", project_type_code="video_generation"
    )
    n8n.start()
    inspiration_services.inspiration_approve(inspiration=other)
    succeeded = WorkflowRun.objects.exclude(pk=failed.pk).get()
    response = operator.post(
        "/admin/core/workflowrun/",
        {"action": "retry", "_selected_action": [failed.pk, succeeded.pk]},
    )
    said = said_after(operator, response)
    assert [level for level, _ in said] == ["success", "warning"]
    assert re.search(rf"Workflow run #{failed.pk}</a> sent again", said[0][1])
    assert said[1][1] == f"Skipped by “Retry”: #{succeeded.pk} is succeeded, not failed."


def test_a_viewer_may_not_retry_a_run(n8n, idea):
    n8n.stop()
    inspiration_services.inspiration_approve(inspiration=idea)
    run = WorkflowRun.objects.get()
    viewer = session_client("watcher", Role.VIEWER)
    page = viewer.get(RUN_PAGE.format(run.pk)).content.decode()
    assert "/actions/retry/" not in page
    assert viewer.post(f"/admin/core/workflowrun/{run.pk}/actions/retry/").status_code == 403


def test_approve_when_n8n_answers_an_error_warns_with_its_answer(operator, n8n, idea):
    n8n.status = 500
    response = operator.post(f"/admin/inspirations/inspiration/{idea.pk}/actions/approve/")
    run = WorkflowRun.objects.get()
    assert said_after(operator, response) == [
        (
            "warning",
            f'<a href="/admin/inspirations/inspiration/{idea.pk}/change/">Inspiration '
            f"#{idea.pk}</a> approved; but n8n did not take it (n8n answered HTTP 500) — "
            f"retry {run_link(run)} when it is back.",
        )
    ]
