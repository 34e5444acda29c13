"""The inspiration form: the type's parameter_schema checked by the services, beside the
field; the project type and the source as choices that keep what old rows hold."""

import pytest

from core.testing_console import SCHEMA, errors_beside, shows_typed
from inspirations.models import Inspiration
from projects import services as project_services

ADD = "/admin/inspirations/inspiration/add/"


@pytest.fixture
def reel(db):
    return project_services.project_type_create(
        code="reel", name="Reel", default_parameters={"fps": 30}, parameter_schema=SCHEMA
    )


def form(**changes):
    return {
        "title": "Cats in space",
        "description": "",
        "project_type_code": "reel",
        "source": "user_input",
        "parameters": "",
        **changes,
    }


def test_parameters_that_break_the_schema_are_an_error_beside_parameters(admin_client, reel):
    typed = '{\n  "fps": "fast"\n}'
    response = admin_client.post(ADD, form(parameters=typed))
    assert errors_beside(response, "parameters") == ["fps: 'fast' is not of type 'integer'"]
    assert shows_typed(response, typed)
    assert shows_typed(response, "Cats in space")
    assert not Inspiration.all_objects.exists()


def test_parameters_must_be_an_object(admin_client, reel):
    response = admin_client.post(ADD, form(parameters="[1]"))
    assert errors_beside(response, "parameters") == ["Must be a JSON object."]


def test_a_valid_form_creates_a_draft_through_the_service(admin_client, reel):
    response = admin_client.post(ADD, form(parameters='{"fps": 24}'))
    assert response.status_code == 302
    created = Inspiration.objects.get()
    assert (created.status, created.parameters) == ("draft", {"fps": 24})
    assert created.source == "user_input"


def test_the_project_type_is_a_select_of_the_live_types(admin_client, reel):
    gone = project_services.project_type_create(code="gone", name="Gone")
    project_services.project_type_delete(project_type=gone)
    field = admin_client.get(ADD).context["adminform"].form.fields["project_type_code"]
    assert [value for value, _ in field.choices] == ["", "reel"]
    response = admin_client.post(ADD, form(project_type_code="gone"))
    assert errors_beside(response, "project_type_code")


def test_the_source_is_a_choice_of_the_known_sources(admin_client, reel):
    field = admin_client.get(ADD).context["adminform"].form.fields["source"]
    assert [value for value, _ in field.choices] == ["", "user_input", "ai_generated", "demo"]


def test_an_old_row_with_unknown_values_still_saves(admin_client, reel):
    old = Inspiration.objects.create(
        title="old", project_type_code="retired_type", source="spreadsheet", parameters={}
    )
    url = f"/admin/inspirations/inspiration/{old.pk}/change/"
    form_fields = admin_client.get(url).context["adminform"].form.fields
    assert ("retired_type", "retired_type (not a known value)") in form_fields[
        "project_type_code"
    ].choices
    assert ("spreadsheet", "spreadsheet (not a known value)") in form_fields["source"].choices
    response = admin_client.post(
        url,
        {
            "title": "old, renamed",
            "description": "",
            "project_type_code": "retired_type",
            "source": "spreadsheet",
            "parameters": "{}",
            "score": "",
            "score_details": "",
            "review_notes": "",
        },
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.title, old.project_type_code, old.source) == (
        "old, renamed",
        "retired_type",
        "spreadsheet",
    )
