"""Answers `make fuzz` found undocumented or wrong once, kept as tests through the HTTP API:
each is a status the schema documents, with the body it documents."""

import pytest

from core.testing import error
from core.testing_schema import assert_documented
from projects.services import project_create

PATH = "/api/webhooks/n8n/project_creation/{target_id}/"


def creation(**task):
    return {
        "status": "success",
        "project": {"name": "p", "project_type": "image_post"},
        "tasks": [{"task_type": "image_generation", **task}],
    }


def test_a_second_project_for_an_inspiration_is_a_documented_409(
    n8n_api, demo_types, approved_inspiration
):
    project_create(name="first", project_type="image_post", inspiration_id=approved_inspiration.id)
    response = n8n_api.post(
        PATH.format(target_id=approved_inspiration.id), creation(), format="json"
    )
    assert error(response, 409)
    assert_documented(response, "post", PATH)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("priority", 2**31, "Ensure this value is less than or equal to 2147483647."),
        ("priority", -(2**31) - 1, "Ensure this value is greater than or equal to -2147483648."),
        ("max_attempts", 101, "Ensure this value is less than or equal to 100."),
    ],
)
def test_task_numbers_beyond_their_bounds_are_a_400(
    n8n_api, demo_types, approved_inspiration, field, value, message
):
    response = n8n_api.post(
        PATH.format(target_id=approved_inspiration.id), creation(**{field: value}), format="json"
    )
    assert error(response, 400) == f"tasks[0].{field}: {message}"
    assert_documented(response, "post", PATH)
