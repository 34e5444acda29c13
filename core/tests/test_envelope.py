"""Every response under /api/ and /projects is the {code, msg, data} envelope, errors included."""

import pytest
from django.test import override_settings

from core.testing import error, ok


def test_success_is_wrapped_in_the_envelope(api):
    assert ok(api.get("/projects")) == []


def test_unknown_path_under_api_is_a_404_envelope(api):
    assert error(api.get("/api/no-such-thing"), 404) == "Not Found"


def test_unknown_path_under_projects_is_a_404_envelope(api):
    assert error(api.get("/projects/abc"), 404) == "Not Found"


def test_unknown_path_without_token_is_still_json(anon):
    assert error(anon.get("/api/nothing/here/"), 404) == "Not Found"


def test_wrong_method_is_a_405_envelope(api):
    response = api.delete("/api/tasks")
    assert error(response, 405) == 'Method "DELETE" not allowed.'


def test_malformed_json_is_a_400_envelope(api):
    response = api.post("/projects", data="{bad", content_type="application/json")
    assert error(response, 400).startswith("JSON parse error")


def test_body_that_is_not_an_object_is_a_400_envelope(api):
    response = api.post("/projects", data="[1, 2]", content_type="application/json")
    assert error(response, 400) == "Invalid data. Expected a dictionary, but got list."


def test_unsupported_media_type_is_a_415_envelope(api):
    response = api.post(
        "/projects", data="name=x", content_type="application/x-www-form-urlencoded"
    )
    assert (
        error(response, 415)
        == 'Unsupported media type "application/x-www-form-urlencoded" in request.'
    )


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_body_is_a_413_envelope(api):
    response = api.post("/api/tasks", {"task_type": "x" * 2000}, format="json")
    assert error(response, 413) == "Request body larger than 1000 bytes"


def test_missing_field_names_the_field(api):
    response = api.post("/projects", {"project_type": "video_generation"}, format="json")
    assert error(response, 400) == "name: This field is required."
    assert response.json()["data"] == {"errors": {"name": ["This field is required."]}}


def test_nested_errors_name_the_entry_and_the_field(api):
    response = api.post("/api/tasks/batch", {"tasks": [{"project_id": 1}]}, format="json")
    assert error(response, 400) == "tasks[0].task_type: This field is required."


@pytest.mark.parametrize("debug", [False, True])
def test_unhandled_error_is_a_500_envelope_not_an_html_page(api, monkeypatch, debug, settings):
    from projects import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    settings.DEBUG = debug
    monkeypatch.setattr(views.ProjectViewSet, "list", explode)
    api.raise_request_exception = False
    response = api.get("/projects")
    assert error(response, 500) == "Internal Server Error"
    assert b"boom" not in response.content
