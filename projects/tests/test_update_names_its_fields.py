import pytest

from projects import services
from projects.models import Project


@pytest.fixture
def project(db):
    return services.project_create(name="p", project_type="video_generation")


def test_project_update_refuses_the_counters(project):
    before = (project.total_tasks, project.completed_tasks, project.failed_tasks)
    with pytest.raises(TypeError, match="total_tasks"):
        services.project_update(project=project, name="renamed", total_tasks=0)
    project = Project.objects.get(pk=project.pk)
    assert (project.total_tasks, project.completed_tasks, project.failed_tasks) == before
    assert project.name == "p"


def test_project_type_update_refuses_its_code(db):
    project_type = services.project_type_create(code="short", name="Short")
    with pytest.raises(TypeError, match="code"):
        services.project_type_update(project_type=project_type, code="other", name="x")
    project_type.refresh_from_db()
    assert (project_type.code, project_type.name) == ("short", "Short")
