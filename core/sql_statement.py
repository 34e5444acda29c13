"""Hand-written SQL around ORM-compiled parts, compiled once and run with named values.

A hot path written as one statement by hand still wants some of its parts from the ORM (a
rule written once as an expression, such as a project's derived status). psycopg takes
positional or named parameters, never both, and Django compiles with positional ones; so a
`Statement` is assembled from pieces — hand-written SQL naming its values `%(name)s`, and
compiled parts `(sql, params)` taken as they are — into positional SQL once, and each run
only fills in the named values.
"""

import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor
from django.db.backends.utils import CursorWrapper

_NAMED = re.compile(r"%\((\w+)\)s")
_LINE_BREAKS = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class Statement:
    sql: str
    # Per placeholder, in order: (True, name) for a named value, (False, value) for a
    # compiled part's own parameter.
    slots: tuple[tuple[bool, object], ...]

    @classmethod
    def of(cls, *pieces: "str | tuple[str, tuple] | Statement") -> "Statement":
        """Join hand-written SQL (str, values named `%(name)s`), compiled parts and other
        statements."""
        sql, slots = [], []
        for piece in pieces:
            if isinstance(piece, Statement):
                slots += piece.slots
                sql.append(piece.sql)
            elif isinstance(piece, str):
                slots += [(True, name) for name in _NAMED.findall(piece)]
                # On one line: one line in a log, and psycopg caches its parsing of
                # statements up to 4 KB long.
                sql.append(_LINE_BREAKS.sub(" ", _NAMED.sub("%s", piece)))
            else:
                part_sql, part_params = piece
                slots += [(False, value) for value in part_params]
                sql.append(part_sql)
        return cls("".join(sql), tuple(slots))

    def params(self, values: dict) -> list:
        """The positional parameters of one run; KeyError names a value not given."""
        return [values[slot] if named else slot for named, slot in self.slots]

    def instances(self, model, values: dict) -> list:
        """Run it and build a `model` instance of each row, as `QuerySet.raw` does: the
        model's columns (matched by name, in any order) through the backend's and their
        fields' converters, any other column set as an attribute.

        On PostgreSQL with DATABASE_PREPARED_STATEMENTS the statement is prepared by the
        connection the first time and planned once (settings: a generic plan), through a
        cursor that binds its parameters on the server; Django's own queries keep their
        client-side binding, which never prepares.
        """
        with _cursor() as cursor:
            cursor.execute(self.sql, self.params(values))
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        model_columns, attnames, converters = _loading(model)
        order = [names.index(column) for column in model_columns]
        extras = [(i, name) for i, name in enumerate(names) if name not in set(model_columns)]
        instances = []
        for row in rows:
            loaded = []
            for i, (col, convert_all) in zip(order, converters, strict=True):
                value = row[i]
                for convert in convert_all:
                    value = convert(value, col, connection)
                loaded.append(value)
            instance = model.from_db(connection.alias, attnames, loaded)
            for i, name in extras:
                setattr(instance, name, row[i])
            instances.append(instance)
        return instances


@functools.cache
def _loading(model) -> tuple[list[str], list[str], list[tuple]]:
    """How rows of `model` are loaded, worked out once per process: its columns, their
    attribute names, and each one's column expression with the backend's and the field's
    converters, as the ORM's compiler applies them."""
    fields = model._meta.concrete_fields
    cols = [field.get_col(model._meta.db_table) for field in fields]
    converters = [
        (col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
        for col in cols
    ]
    return [f.column for f in fields], [f.attname for f in fields], converters


def columns(model, alias: str) -> str:
    """The model's columns of the table or CTE named `alias`, listed: a prepared statement
    whose answer named `alias.*` would fail ("cached plan must not change result type")
    once a migration elsewhere adds a column, until its connection closed."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def _cursor():
    """A cursor of the default connection, logged and wrapped as Django's own are; one that
    prepares (server-side binding) where the settings let statements be prepared."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        return _PreparedDebugCursor(raw, connection)
    return connection.make_cursor(raw)


class _PreparedDebugCursor(CursorDebugWrapper):
    """Logged as Django logs queries (DEBUG, tests), with the statement as written: Django
    reads the text of a query with its values from client-side binding, which a prepared
    statement has not."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


def table(model) -> str:
    """A model's table, quoted for the default connection."""
    return connection.ops.quote_name(model._meta.db_table)
