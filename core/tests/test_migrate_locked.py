"""`manage.py migrate_locked`: hosts starting together on one empty PostgreSQL database
migrate it once; the others wait for the lock and find nothing to apply."""

import io
import os
import secrets
import subprocess
import sys
from collections import Counter

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from core.migration_lock import MIGRATION_LOCK_KEY, MigrationLockNotHeld, migration_lock
from core.testing_environment import database_url, server_params

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="advisory locks are PostgreSQL's; on SQLite migrate_locked is a plain migrate",
)
PROCESSES = 3


@pytest.fixture
def empty_database():
    """A database of this test's own, empty, dropped afterwards."""
    name = f"{settings.DATABASES['default']['NAME']}_migrate_{secrets.token_hex(4)}"
    with psycopg.connect(**server_params("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_params(name)
    finally:
        with psycopg.connect(**server_params("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@postgresql_only
def test_hosts_starting_together_migrate_an_empty_database_once(empty_database):
    env = {**os.environ, "DATABASE_URL": database_url(empty_database)}
    starts = [
        subprocess.Popen(
            [sys.executable, "manage.py", "migrate_locked", "--noinput"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    outputs = [start.communicate(timeout=90) for start in starts]
    for start, (stdout, stderr) in zip(starts, outputs, strict=True):
        assert start.returncode == 0, stderr + stdout
    stdouts = [stdout for stdout, _ in outputs]
    # One process applied the migrations; the others waited for it, then had nothing to do.
    assert sum("Applying " in stdout for stdout in stdouts) == 1, stdouts
    assert sum("No migrations to apply." in stdout for stdout in stdouts) == PROCESSES - 1
    assert any("waiting for it" in stdout for stdout in stdouts), stdouts

    with psycopg.connect(**empty_database) as migrated:
        applied = migrated.execute("SELECT app, name FROM django_migrations").fetchall()
    assert [row for row, n in Counter(applied).items() if n > 1] == []
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    assert set(applied) == on_disk


@postgresql_only
def test_the_lock_is_released_when_migrate_fails(db):
    with pytest.raises(CommandError, match="No installed app with label 'no_such_app'"):
        call_command("migrate_locked", "no_such_app", verbosity=0)
    with psycopg.connect(**server_params(connection.settings_dict["NAME"])) as other_session:
        taken = other_session.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
        assert taken.fetchone()[0] is True


def test_an_up_to_date_database_is_left_as_it_is(db):
    out = io.StringIO()
    call_command("migrate_locked", stdout=out)
    assert "No migrations to apply." in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_says_so_when_a_pooler_ran_the_unlock_on_another_server_connection(pgbouncer):
    bouncer = pgbouncer(pool_size=2)
    pooled = connection.copy("pooled")
    pooled.settings_dict.update(bouncer.settings_dict())
    connections["pooled"] = pooled
    other_client = psycopg.connect(bouncer.url)
    try:
        not_held = pytest.raises(MigrationLockNotHeld, match="against PostgreSQL directly")
        with not_held, migration_lock("pooled"):
            # A transaction of another client is handed the idle server connection the lock
            # was taken on (PgBouncer reuses the last one freed); the unlock then runs on a
            # second one, whose session never held it.
            other_client.execute("SELECT 1")
        with psycopg.connect(**server_params(connection.settings_dict["NAME"])) as direct:
            taken = direct.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
            assert taken.fetchone()[0] is False  # still held, by a pooled server connection
    finally:
        other_client.close()
        pooled.close()
        del connections["pooled"]
