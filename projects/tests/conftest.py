import pytest

from core.testing import ok


@pytest.fixture
def create_project(api):
    def create(name="测试项目", project_type="video_generation", **extra):
        body = {"name": name, "project_type": project_type, **extra}
        return ok(api.post("/projects", body, format="json"), 201)

    return create


@pytest.fixture
def video(demo_types):
    return demo_types["video_generation"]


@pytest.fixture
def integrator(db):
    """An API client whose user holds projects.set_workflow_urls."""
    from core.testing import grant, token_client

    client = token_client("integrator")
    grant("integrator", "projects.set_workflow_urls")
    return client


@pytest.fixture
def admin_form():
    """The admin change form's data for a project type, with `changes` applied."""
    import json

    def form(project_type, **changes) -> dict:
        return {
            "name": project_type.name,
            "description": project_type.description,
            "category": project_type.category,
            "sort_order": project_type.sort_order,
            "is_active": "on",
            "default_parameters": json.dumps(project_type.default_parameters),
            "parameter_schema": json.dumps(project_type.parameter_schema),
            "task_template": json.dumps(project_type.task_template),
            "inspiration_workflow_url": project_type.inspiration_workflow_url,
            "transform_workflow_url": project_type.transform_workflow_url,
            "execution_workflow_url": project_type.execution_workflow_url,
            **changes,
        }

    return form
