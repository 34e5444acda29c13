"""TaskConfig now belongs to tasks (tasks 0006 took it over with its table): forget it here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("workerconfigs", "0001_initial"),
        ("tasks", "0006_taskconfig_from_workerconfigs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="TaskConfig")],
            database_operations=[],
        ),
    ]
