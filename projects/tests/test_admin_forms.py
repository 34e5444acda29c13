"""The project and project type forms of the console: the services' rules, beside the field,
with what was typed kept; deleting is the services' soft delete."""

import json

import pytest
from django.urls import reverse

from core.testing import ok
from core.testing_console import SCHEMA, errors_beside, shows_typed
from projects import services
from projects.models import Project, ProjectType
from tasks.models import Task

TYPE_ADD = "/admin/projects/projecttype/add/"


@pytest.fixture
def reel(db):
    return services.project_type_create(
        code="reel",
        name="Reel",
        default_parameters={"fps": 30},
        parameter_schema=SCHEMA,
        task_template=[
            {"key": "script", "task_type": "script_generation"},
            {"key": "video", "task_type": "video_generation", "depends_on": ["script"]},
        ],
    )


def type_form(**changes):
    return {
        "code": "short",
        "name": "Short film",
        "sort_order": "0",
        "is_active": "on",
        "default_parameters": "",
        "parameter_schema": "",
        "task_template": "",
        **changes,
    }


def project_form(project, **changes):
    return {
        "name": project.name,
        "status": project.status,
        "initial_parameters": json.dumps(project.initial_parameters),
        "score": "",
        "score_details": "",
        "review_notes": "",
        "tasks-TOTAL_FORMS": "0",
        "tasks-INITIAL_FORMS": "0",
        **changes,
    }


def test_a_duplicate_code_is_an_error_beside_the_code_with_the_typed_input_kept(admin_client, reel):
    response = admin_client.post(TYPE_ADD, type_form(code="reel", name="A second reel"))
    assert errors_beside(response, "code") == ["A project type with this code already exists."]
    assert shows_typed(response, "A second reel")
    assert ProjectType.objects.count() == 1


@pytest.mark.parametrize("code", ["categories", "sort-order"])
def test_a_route_word_is_refused_as_a_code_beside_the_code(admin_client, code):
    response = admin_client.post(TYPE_ADD, type_form(code=code))
    assert errors_beside(response, "code") == [f"{code!r} is reserved."]
    assert not ProjectType.all_objects.exists()


def test_the_api_refuses_the_route_word_with_the_same_rule(api):
    response = api.post("/api/project-types", {"code": "categories", "name": "x"}, format="json")
    assert response.json()["msg"] == "code: 'categories' is reserved."


def test_a_json_syntax_error_names_its_line_and_column_and_keeps_the_text(admin_client):
    typed = '[\n  {"key": "a",\n   "task_type": "t"\n   "depends_on": []}\n]'
    response = admin_client.post(TYPE_ADD, type_form(task_template=typed))
    assert errors_beside(response, "task_template") == ["Line 4, column 4: Expecting ',' delimiter"]
    assert shows_typed(response, typed)
    assert not ProjectType.all_objects.exists()


def test_a_schema_problem_is_shown_beside_the_schema(admin_client):
    typed = '{"type": "object", "properties": {"a": {"type": "no-such-type"}}}'
    response = admin_client.post(TYPE_ADD, type_form(parameter_schema=typed))
    assert errors_beside(response, "parameter_schema") == [
        "properties.a.type: 'no-such-type' is not valid under any of the given schemas"
    ]
    assert shows_typed(response, typed)


def test_a_template_problem_is_shown_beside_the_template(admin_client):
    typed = '[{"key": "a", "task_type": "t", "depends_on": ["a"]}]'
    response = admin_client.post(TYPE_ADD, type_form(task_template=typed))
    [error] = errors_beside(response, "task_template")
    assert "cycle" in error.lower()


def test_json_fields_are_indented_and_blank_for_null(admin_client, reel):
    page = admin_client.get(reverse("admin:projects_projecttype_change", args=[reel.pk]))
    html = page.content.decode()
    assert "{\n  &quot;fps&quot;: 30\n}" in html  # default_parameters, two spaces
    assert 'class="vLargeTextField json-editor"' in html
    ProjectType.objects.filter(pk=reel.pk).update(parameter_schema=None)
    page = admin_client.get(reverse("admin:projects_projecttype_change", args=[reel.pk]))
    form = page.context["adminform"].form
    assert form["parameter_schema"].value() in ("", None)
    assert "null" not in str(form["parameter_schema"])


def test_initial_parameters_must_be_an_object(admin_client, api, reel):
    project = services.project_create(name="p", project_type="reel")
    url = reverse("admin:projects_project_change", args=[project.pk])
    response = admin_client.post(url, project_form(project, initial_parameters="[1, 2]"))
    assert errors_beside(response, "initial_parameters") == ["Must be a JSON object."]
    assert shows_typed(response, "[1, 2]")
    assert Project.objects.get(pk=project.pk).initial_parameters == {"fps": 30}


def test_initial_parameters_must_fit_the_types_schema_as_in_the_api(admin_client, api, reel):
    project = services.project_create(name="p", project_type="reel")
    url = reverse("admin:projects_project_change", args=[project.pk])
    response = admin_client.post(url, project_form(project, initial_parameters='{"fps": 0}'))
    assert errors_beside(response, "initial_parameters") == ["fps: 0 is less than the minimum of 1"]
    assert Project.objects.get(pk=project.pk).initial_parameters == {"fps": 30}
    answer = api.put(f"/projects/{project.pk}", {"initial_parameters": {"fps": 0}}, format="json")
    assert answer.json()["msg"] == "initial_parameters.fps: 0 is less than the minimum of 1"


def test_the_red_delete_button_soft_deletes_a_project_and_its_tasks(admin_client, reel):
    project = services.project_create(name="to go", project_type="reel")
    url = reverse("admin:projects_project_delete", args=[project.pk])
    page = admin_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Cannot delete" not in html
    assert "Its 2 task(s), soft-deleted with it" in html
    assert "script_generation" in html and "video_generation" in html
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert Project.all_objects.get(pk=project.pk).deleted_at is not None
    assert Task.all_objects.filter(project=project, deleted_at__isnull=True).count() == 0
    assert Task.all_objects.filter(project=project).count() == 2


def test_deleting_a_type_says_nothing_is_cascaded(admin_client, api, reel):
    ok(api.post("/projects", {"name": "v", "project_type": "reel"}, format="json"), 201)
    url = reverse("admin:projects_projecttype_delete", args=[reel.pk])
    html = admin_client.get(url).content.decode()
    assert "Nothing is cascaded: its 1 live project(s) keep their tasks" in html
    admin_client.post(url, {"post": "yes"})
    assert ProjectType.all_objects.get(pk=reel.pk).deleted_at is not None
    assert Project.objects.count() == 1


def test_the_bulk_soft_delete_asks_first_and_lists_the_tasks(admin_client, reel):
    project = services.project_create(name="bulk", project_type="reel")
    changelist = reverse("admin:projects_project_changelist")
    chosen = {"action": "soft_delete", "_selected_action": [project.pk]}
    page = admin_client.post(changelist, chosen)
    assert "Its 2 task(s), soft-deleted with it" in page.content.decode()
    assert Project.objects.filter(pk=project.pk).exists()
    admin_client.post(changelist, {**chosen, "post": "yes"})
    assert not Project.objects.filter(pk=project.pk).exists()
    assert Project.all_objects.filter(pk=project.pk).exists()
