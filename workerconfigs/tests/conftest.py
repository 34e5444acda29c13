from datetime import datetime, timedelta

import pytest

from projects.models import Project
from tasks.models import Task
from workerconfigs.models import WorkerConfig

# The contract's example config (section 6.1), used as a request body.
EXAMPLE_CONFIG = {
    "config_name": "video_worker_config",
    "config_type": "execution",
    "worker_type": "video_generator",
    "config_data": {"max_concurrent": 3, "timeout": 300},
    "description": "视频生成器配置",
    "priority": 10,
    "is_active": True,
}
CONFIG_KEYS = {"id", *EXAMPLE_CONFIG, "created_at", "updated_at"}


def assert_utc_timestamp(value: str) -> None:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert parsed.utcoffset() == timedelta(0), value


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
