"""TaskConfig moved from workerconfigs to tasks: its rows, its unique rule and the permissions
granted on it come along."""

import pytest
from django.db import IntegrityError, transaction

# Each app's latest migration where the state of ContentType and Permission is read.
AUTH = [
    ("contenttypes", "0002_remove_content_type_name"),
    ("auth", "0012_alter_user_first_name_max_length"),
]
BEFORE = [("workerconfigs", "0001_initial"), ("tasks", "0005_task_attempts"), *AUTH]
AFTER = [("workerconfigs", "0002_taskconfig_to_tasks"), *AUTH]


@pytest.mark.django_db(transaction=True)
def test_task_configs_keep_their_rows_and_permissions_when_moved_to_tasks(migrate_to):
    old = migrate_to(BEFORE)
    project = old.get_model("projects", "Project").objects.create(name="p", project_type="t")
    task = old.get_model("tasks", "Task").objects.create(project=project, task_type="video")
    config = old.get_model("workerconfigs", "WorkerConfig").objects.create(
        config_name="render", config_type="execution", worker_type="video"
    )
    link = old.get_model("workerconfigs", "TaskConfig").objects.create(
        task=task, config=config, override_data={"fps": 60}
    )
    ContentType = old.get_model("contenttypes", "ContentType")
    old_type, _ = ContentType.objects.get_or_create(app_label="workerconfigs", model="taskconfig")
    permission = old.get_model("auth", "Permission").objects.create(
        content_type=old_type, codename="view_taskconfig_legacy", name="legacy"
    )

    new = migrate_to(AFTER)
    TaskConfig = new.get_model("tasks", "TaskConfig")
    moved = TaskConfig.objects.get()
    assert (moved.pk, moved.task_id, moved.config_id) == (link.pk, task.pk, config.pk)
    assert moved.override_data == {"fps": 60}
    assert TaskConfig._meta.db_table == "tasks_taskconfig"
    moved_permission = new.get_model("auth", "Permission").objects.get(pk=permission.pk)
    assert moved_permission.content_type.app_label == "tasks"
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskConfig.objects.create(task_id=task.pk, config_id=config.pk)
