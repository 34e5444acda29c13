"""What a request gets while the database is unreachable: a 503 that says so, never a 500.

OperationalError and InterfaceError are the DB-API's errors of the database's operation (a
refused or dropped connection, a timed-out connect, a server shutting down), not of the
request: retrying later is the right advice. Errors raised inside DRF views reach the envelope
exception handler; the rest (session middleware, admin views) reach Django's handler, which
turns them into a 500 after sending `got_request_exception`: `note_database_outage` marks the
request there, and core.middleware answers 503 instead.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
DATABASE_UNAVAILABLE_MESSAGE = "Database unavailable, try again shortly"
RETRY_AFTER_SECONDS = 5


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_UNAVAILABLE_ERRORS)


def log_database_unavailable(exc: BaseException) -> None:
    # One line per request, no traceback: during an outage every request fails the same way.
    logger.warning("Database unavailable: %s: %s", type(exc).__name__, str(exc).strip())


def note_database_outage(sender, request=None, **kwargs) -> None:
    """`got_request_exception` receiver: remember that this request failed on the database."""
    exc = sys.exc_info()[1]
    # Django logs the error itself ("Internal Server Error", with its traceback).
    if request is not None and is_database_unavailable(exc):
        request.database_unavailable = True
