"""Answers `make fuzz` found undocumented or wrong once, kept as tests through the HTTP API:
each is a status the schema documents, with the body it documents."""

from core.testing import error, ok
from core.testing_schema import assert_documented


def test_deleting_a_project_is_the_documented_200(api, demo_types):
    project = ok(
        api.post("/projects", {"name": "p", "project_type": "image_post"}, format="json"), 201
    )
    response = api.delete(f"/projects/{project['id']}")
    assert ok(response) == {"message": "Project deleted successfully"}
    assert_documented(response, "delete", "/projects/{id}/")


def test_deleting_a_project_type_is_the_documented_200(api, demo_types):
    response = api.delete("/api/project-types/image_post")
    assert ok(response) == {"message": "Project type deleted successfully"}
    assert_documented(response, "delete", "/api/project-types/{code}/")


def test_unknown_codes_in_a_sort_order_are_a_documented_404(api, demo_types):
    body = {"codes": ["image_post", "nope"]}
    response = api.post("/api/project-types/sort-order", body, format="json")
    assert error(response, 404) == "Project types not found: nope"
    assert_documented(response, "post", "/api/project-types/sort-order/")


def test_a_sort_order_beyond_the_column_is_a_400(api, db):
    body = {"code": "big", "name": "Big", "sort_order": 2**31}
    response = api.post("/api/project-types", body, format="json")
    assert (
        error(response, 400) == "sort_order: Ensure this value is less than or equal to 2147483647."
    )
    assert_documented(response, "post", "/api/project-types/")


def test_a_project_with_its_tasks_matches_the_schema(api, demo_types):
    body = {"name": "p", "project_type": "video_generation"}
    response = api.post("/projects", body, format="json")
    assert len(ok(response, 201)["tasks"]) > 1
    assert_documented(response, "post", "/projects/")
