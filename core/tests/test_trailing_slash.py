import pytest

from core.testing import ok


@pytest.mark.parametrize("path", ["/projects", "/projects/", "/api/projects", "/api/projects/"])
def test_post_works_with_and_without_trailing_slash(api, path):
    data = ok(api.post(path, {"name": "n", "project_type": "t"}, format="json"), 201)
    assert data["name"] == "n"


@pytest.mark.parametrize("suffix", ["", "/"])
def test_detail_and_actions_work_with_and_without_trailing_slash(api, worker_api, suffix):
    project = ok(api.post("/projects", {"name": "n", "project_type": "t"}, format="json"), 201)
    assert ok(api.get(f"/projects/{project['id']}{suffix}"))["id"] == project["id"]
    path = f"/projects/{project['id']}/recalculate-tasks{suffix}"
    assert ok(api.post(path))["id"] == project["id"]
    claim = worker_api.post(f"/api/tasks/claim{suffix}", {"task_types": ["x"]}, format="json")
    assert claim.json()["code"] == 1
