"""The claim's turn between task types, one rotation for every process of every host.

Between task types tied on priority a claim deals round-robin, starting at the type whose
turn it is. On PostgreSQL the turn is a sequence's next value (`SEQUENCE`), drawn inside the
claim's own statement or by `next_turn`: every claim anywhere takes the next turn, so among N
types with ready work each starts one claim in N that list them all, however many hosts and
processes there are and however few claims each makes. (A sequence is neither transactional
nor a row: drawing from it locks nothing and costs no round trip inside the claim.) SQLite
serves one host: a counter per process.
"""

import itertools

from django.db import connection

SEQUENCE = "tasks_claim_turn"

_local_turns = itertools.count()


def next_turn() -> int:
    if connection.vendor != "postgresql":
        return next(_local_turns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval('{SEQUENCE}')")
        return cursor.fetchone()[0]


def in_turn(types: list[str], turn: int) -> list[str]:
    """`types` (sorted) in the order a claim with this turn deals them between ties."""
    start = turn % len(types) if types else 0
    return types[start:] + types[:start]
