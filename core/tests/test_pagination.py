import pytest

from core.testing import error, ok
from projects.models import Project


@pytest.fixture
def five_projects(db):
    return [Project.objects.create(name=f"p{i}", project_type="t") for i in range(5)]


def test_defaults_and_total_header(api, five_projects):
    response = api.get("/projects")
    assert len(ok(response)) == 5
    assert response["X-Total-Count"] == "5"


def test_skip_and_limit_select_a_page(api, five_projects):
    response = api.get("/projects?skip=1&limit=2")
    newest_first = [p.id for p in reversed(five_projects)]
    assert [p["id"] for p in ok(response)] == newest_first[1:3]
    assert response["X-Total-Count"] == "5"


def test_skip_past_the_end_is_an_empty_page(api, five_projects):
    assert ok(api.get("/projects?skip=50")) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("skip=-1", "skip: Ensure this value is greater than or equal to 0."),
        ("skip=abc", "skip: A valid integer is required."),
        ("limit=0", "limit: Ensure this value is greater than or equal to 1."),
        ("limit=1001", "limit: Ensure this value is less than or equal to 1000."),
        ("limit=ten", "limit: A valid integer is required."),
    ],
)
def test_bad_values_are_refused(api, query, message):
    assert error(api.get(f"/projects?{query}"), 400) == message
    assert error(api.get(f"/api/tasks?{query}"), 400) == message


def test_limit_1000_is_allowed(api, five_projects):
    assert len(ok(api.get("/api/projects?limit=1000"))) == 5
