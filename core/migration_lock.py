"""One migration at a time per database, so that every host may migrate when it starts.

Two `migrate` runs on one empty PostgreSQL database both create the same tables, and the
second fails (`IntegrityError: duplicate key … pg_type_typname_nsp_index`). A session-level
advisory lock around the run makes the others wait; when they get the lock the work is done
and they find nothing to apply. SQLite serves one host only: there it is a plain migrate.
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
    finally:
        # A session that broke took its locks with it: nothing is left to release then.
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
