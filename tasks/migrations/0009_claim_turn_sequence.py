from django.db import migrations

from tasks.rotation import SEQUENCE


def create_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    """The claim's rotation between task types, shared by every process of every host."""

    dependencies = [
        ("tasks", "0008_open_attempts_index"),
    ]

    operations = [migrations.RunPython(create_sequence, drop_sequence)]
