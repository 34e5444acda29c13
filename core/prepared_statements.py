"""DATABASE_PREPARED_STATEMENTS checked against the connection this process really gets.

With it on, settings ask for prepared statements and send the startup option
`plan_cache_mode=force_generic_plan` (shortsgen/settings.py). A pooler in transaction mode
that cannot keep prepared statements (PgBouncer before 1.21) either refuses that option
("unsupported startup parameter: options") or, told to ignore it, drops it and then hands
each transaction whichever server connection is free, where the statements this process
prepared are missing or another client's hold the same name. Both leave a mark on the
connection: the refusal, or a plan_cache_mode that is not the one asked for. A URL alone
(port 6432, a host named "pgbouncer") would be a guess; these are facts.
"""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection

# gunicorn's start runs the checks of this tag beside the usual ones (shortsgen/gunicorn.conf.py).
PREPARED_STATEMENTS_TAG = "prepared_statements"
REQUESTED_PLAN_CACHE_MODE = "force_generic_plan"
HINT = (
    "Behind a pooler in transaction mode that cannot keep prepared statements (PgBouncer "
    "before 1.21), set DATABASE_PREPARED_STATEMENTS=false (README, Behind PgBouncer)."
)


# Database-tagged: it connects, so Django runs it only where a database is named (`migrate`,
# `check --database default`), and gunicorn's start by its tag.
@checks.register(checks.Tags.database, PREPARED_STATEMENTS_TAG)
def check_prepared_statements_reach_postgresql(app_configs, databases=None, **kwargs):
    """With DATABASE_PREPARED_STATEMENTS on, the connection is PostgreSQL's own session."""
    if databases is not None and "default" not in databases:
        return []
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('plan_cache_mode')")
            plan_cache_mode = cursor.fetchone()[0]
    except DatabaseError as exc:
        if "unsupported startup parameter" not in str(exc):
            return []  # unreachable: the readiness probe reports it, and the next start checks
        return [_error(f"the connection was refused: {str(exc).strip()}")]
    if plan_cache_mode == REQUESTED_PLAN_CACHE_MODE:
        return []
    return [
        _error(
            f"the connection's plan_cache_mode is {plan_cache_mode!r}, not the "
            f"{REQUESTED_PLAN_CACHE_MODE!r} sent at connection start: something between this "
            "process and PostgreSQL dropped the startup options, as a pooler's "
            "ignore_startup_parameters does"
        )
    ]


def _error(what_happened: str) -> checks.Error:
    return checks.Error(
        f"DATABASE_PREPARED_STATEMENTS is on, but {what_happened}. Prepared statements would "
        "fail on server connections shared between clients.",
        hint=HINT,
        id="core.E005",
    )
