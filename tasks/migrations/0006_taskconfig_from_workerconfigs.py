"""TaskConfig moves from workerconfigs to tasks, its rows kept.

The model changes app in the migration state only (workerconfigs 0002 forgets it), then its
table and unique constraint take the tasks app's names, and the content type (with the
permissions granted on it) follows the model.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def content_type_to_tasks(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="tasks", model="taskconfig").exists():
        ContentType.objects.using(db).filter(app_label="workerconfigs", model="taskconfig").update(
            app_label="tasks"
        )


def content_type_to_workerconfigs(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(
        app_label="workerconfigs", model="taskconfig"
    ).exists():
        ContentType.objects.using(db).filter(app_label="tasks", model="taskconfig").update(
            app_label="workerconfigs"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("tasks", "0005_task_attempts"),
        ("workerconfigs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TaskConfig",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("override_data", models.JSONField(blank=True, default=dict)),
                        ("task", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="config_links", to="tasks.task")),
                        ("config", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="task_links", to="workerconfigs.workerconfig")),
                    ],
                    options={
                        "ordering": ["task_id", "id"],
                        "db_table": "workerconfigs_taskconfig",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("task", "config"),
                                name="workerconfigs_taskconfig_unique_task_config",
                                violation_error_message="This worker config is already assigned to this task.",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="taskconfig", table=None),
        migrations.RemoveConstraint(
            model_name="taskconfig", name="workerconfigs_taskconfig_unique_task_config"
        ),
        migrations.AddConstraint(
            model_name="taskconfig",
            constraint=models.UniqueConstraint(
                fields=("task", "config"),
                name="tasks_taskconfig_unique_task_config",
                violation_error_message="This worker config is already assigned to this task.",
            ),
        ),
        migrations.RunPython(content_type_to_tasks, content_type_to_workerconfigs),
    ]
