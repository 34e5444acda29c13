"""The record actions' machinery (core.admin_record_actions) as any model admin uses it."""

import pytest
from django.contrib import admin

from core.admin_record_actions import RECORD_ACTIONS_TEMPLATE
from projects.models import Project


@pytest.fixture
def project(db):
    return Project.objects.create(name="clip", project_type="x")


def test_the_buttons_wrap_the_change_form_an_admin_names(admin_client, project, monkeypatch):
    project_admin = admin.site._registry[Project]
    # An admin naming the buttons' own template (as if it were its change form) still
    # renders: the buttons go on top of the stock change form, not on top of themselves.
    monkeypatch.setattr(project_admin, "change_form_template", RECORD_ACTIONS_TEMPLATE)
    response = admin_client.get(f"/admin/projects/project/{project.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"/admin/projects/project/{project.pk}/actions/recount/" in page
    assert 'name="name"' in page  # the change form itself


def test_the_add_page_has_no_buttons(admin_client, db):
    page = admin_client.get("/admin/inspirations/inspiration/add/").content.decode()
    assert "/actions/" not in page


def test_a_person_without_the_change_permission_is_refused(client, project):
    from core.testing import make_person

    client.force_login(make_person("nobody", None))
    response = client.post(f"/admin/projects/project/{project.pk}/actions/recount/")
    assert response.status_code == 403


def test_an_action_needs_a_signed_in_person(client, project):
    response = client.post(f"/admin/projects/project/{project.pk}/actions/recount/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
