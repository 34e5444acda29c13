"""One migration at a time per database, so that every host may migrate when it starts.

Two `migrate` runs on one empty PostgreSQL database both create the same tables, and the
second fails (`IntegrityError: duplicate key … pg_type_typname_nsp_index`). A session-level
advisory lock around the run makes the others wait; when they get the lock the work is done
and they find nothing to apply. SQLite serves one host only: there it is a plain migrate.

The lock is session state: behind a pooler in transaction mode each statement may run on
another server connection, so the release step connects to PostgreSQL directly (README,
Behind PgBouncer). Should it not, the unlock finds the lock missing from its session, and
the run ends in an error that says so instead of passing for a locked migration.
"""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from django.db import DatabaseError, connections

# A fixed bigint from the project's name: every host computes the same key, and it is
# unlikely to collide with another application's advisory locks in the same database.
MIGRATION_LOCK_KEY = int.from_bytes(
    hashlib.sha256(b"shortsgen:migrate").digest()[:8], "big", signed=True
)


class MigrationLockNotHeld(RuntimeError):
    """The lock was taken and released on different sessions: a pooler in between."""


@contextmanager
def migration_lock(using: str, *, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold the migration lock of database `using` (PostgreSQL); call `on_wait` before waiting."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
        if not cursor.fetchone()[0]:
            on_wait()
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
    try:
        yield
    except BaseException:
        _release(connection)
        raise
    if _release(connection) is False:
        raise MigrationLockNotHeld(
            "The migration lock was not held by this connection's session at the end: "
            "DATABASE_URL reaches PostgreSQL through a pooler in transaction mode (PgBouncer), "
            "which ran the lock and the unlock on different server connections, so other "
            "hosts were not kept out and the lock may still be held on a pooled connection. "
            "Run migrate_locked against PostgreSQL directly (README, Behind PgBouncer)."
        )


def _release(connection) -> bool | None:
    """Whether this session held the lock it released; None when the session broke, taking
    its locks with it."""
    with suppress(DatabaseError), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
        return cursor.fetchone()[0]
    return None
