"""Hand-written SQL around ORM-compiled parts, compiled once and run with named values.

A hot path written as one statement by hand still wants some of its parts from the ORM (a
rule written once as an expression, such as a project's derived status). psycopg takes
positional or named parameters, never both, and Django compiles with positional ones; so a
`Statement` is assembled from pieces — hand-written SQL naming its values `%(name)s`, and
compiled parts `(sql, params)` taken as they are — into positional SQL once, and each run
only fills in the named values.
"""

import re
from dataclasses import dataclass

from django.db import connection

_NAMED = re.compile(r"%\((\w+)\)s")


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
                sql.append(_NAMED.sub("%s", piece))
            else:
                part_sql, part_params = piece
                slots += [(False, value) for value in part_params]
                sql.append(part_sql)
        return cls("".join(sql), tuple(slots))

    def params(self, values: dict) -> list:
        """The positional parameters of one run; KeyError names a value not given."""
        return [values[slot] if named else slot for named, slot in self.slots]


def table(model) -> str:
    """A model's table, quoted for the default connection."""
    return connection.ops.quote_name(model._meta.db_table)
