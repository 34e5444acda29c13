import pytest

from projects.models import Project
from tasks.models import Task
from workerconfigs.models import WorkerConfig


@pytest.fixture
def make_config(db):
    def make(**fields) -> WorkerConfig:
        fields.setdefault("config_name", "config")
        fields.setdefault("config_type", "execution")
        fields.setdefault("worker_type", "video_generator")
        return WorkerConfig.objects.create(**fields)

    return make


@pytest.fixture
def make_task(db):
    def make(task_type: str = "video_generation"):
        project = Project.objects.create(name="p", project_type="t")
        return Task.objects.create(project=project, task_type=task_type)

    return make
