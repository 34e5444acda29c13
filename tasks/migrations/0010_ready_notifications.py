from django.db import migrations

from tasks.ready_notifications import CHANNEL

# A task becomes ready to claim when it becomes pending: created so, promoted from waiting,
# released, retried (with or without a backoff), reopened, requeued, undeleted, or moved to
# another platform or account. One trigger catches every path, the one-statement claim and
# completion, the admin and raw SQL included. The payload names the task's type and platform
# (its account's when it has none; empty when neither) so that a host wakes one waiting claim
# that can take it. PostgreSQL sends each distinct payload once per transaction, at commit:
# a batch of a thousand tasks of one type is one notification. Tasks that become ready with
# time alone (a backoff running out, a lease expiring) need no write; waiting claims read
# the next such moment themselves (tasks.claim_waits).
CREATE = f"""
CREATE OR REPLACE FUNCTION tasks_task_notify_ready() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', NEW.task_type || E'\\n' || COALESCE(
        NEW.platform,
        (SELECT platform FROM accounts_platformaccount WHERE id = NEW.platform_account_id),
        ''
    ));
    RETURN NULL;
END
$$;
CREATE TRIGGER tasks_task_ready_on_insert
    AFTER INSERT ON tasks_task
    FOR EACH ROW
    WHEN (NEW.status = 'pending' AND NEW.deleted_at IS NULL)
    EXECUTE FUNCTION tasks_task_notify_ready();
CREATE TRIGGER tasks_task_ready_on_update
    AFTER UPDATE OF status, available_at, deleted_at, platform, platform_account_id
    ON tasks_task
    FOR EACH ROW
    WHEN (
        NEW.status = 'pending' AND NEW.deleted_at IS NULL AND (
            OLD.status <> 'pending'
            OR OLD.deleted_at IS NOT NULL
            OR OLD.available_at IS DISTINCT FROM NEW.available_at
            OR OLD.platform IS DISTINCT FROM NEW.platform
            OR OLD.platform_account_id IS DISTINCT FROM NEW.platform_account_id
        )
    )
    EXECUTE FUNCTION tasks_task_notify_ready();
"""

DROP = """
DROP TRIGGER IF EXISTS tasks_task_ready_on_update ON tasks_task;
DROP TRIGGER IF EXISTS tasks_task_ready_on_insert ON tasks_task;
DROP FUNCTION IF EXISTS tasks_task_notify_ready();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    """Waiting claims hear of tasks becoming ready (LISTEN/NOTIFY, tasks.ready_notifications)."""

    dependencies = [
        ("tasks", "0009_claim_turn_sequence"),
        ("accounts", "0003_credentials_key_fingerprint"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
