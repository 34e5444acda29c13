from django.db import migrations, models
from django.db.models import Count, Exists, OuterRef, Subquery


def count_unfinished_dependencies(apps, schema_editor):
    """Every task's count of dependencies not completed, from its edges as they stand."""
    Task = apps.get_model("tasks", "Task")
    TaskDependency = apps.get_model("tasks", "TaskDependency")
    unfinished = TaskDependency.objects.filter(task_id=OuterRef("pk")).exclude(
        depends_on__status="completed"
    )
    count = unfinished.order_by().values("task_id").annotate(n=Count("*")).values("n")
    Task._base_manager.filter(Exists(unfinished)).update(unfinished_dependencies=Subquery(count))


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0006_taskconfig_from_workerconfigs"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="unfinished_dependencies",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.RunPython(count_unfinished_dependencies, migrations.RunPython.noop),
    ]
