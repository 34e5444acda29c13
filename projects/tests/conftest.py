import pytest

from core.testing import ok


@pytest.fixture
def create_project(api):
    def create(name="测试项目", project_type="video_generation", **extra):
        body = {"name": name, "project_type": project_type, **extra}
        return ok(api.post("/projects", body, format="json"), 201)

    return create
