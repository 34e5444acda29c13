"""What ShortsGen writes to its logs: one line per request, as JSON or plain text.

Nothing here ever reads a request body, a header other than X-Request-ID, or a query string:
tokens travel in the Authorization header and credentials in bodies, so neither reaches a log
line. Tracebacks are Python's own (code and messages, never the values of local variables).
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger("shortsgen.request")

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's (or its proxy's) id is kept when it is this plain; anything else gets a new one,
# so that no caller can write what it likes into our logs.
REQUEST_ID_FORMAT = re.compile(r"[A-Za-z0-9._-]{1,64}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request this thread is answering, if any."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """For handlers: stamps each record with the id of the request being answered, if any.

    Stamped when the record is handled, inside the request, so that it keeps its id however
    late it is formatted.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


# Attributes every LogRecord has (and our stamp); anything else came from `extra=`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, exception, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if request_id := getattr(record, "request_id", None):
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            # Plain values only: an object in `extra` (Django passes the request) is not ours
            # to serialise, and its repr could carry anything.
            plain = value is None or isinstance(value, str | int | float | bool)
            if plain and key not in _RECORD_ATTRIBUTES:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """The standard formatter, with the request id after the message when there is one."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        text = super().formatMessage(record)
        request_id = getattr(record, "request_id", None)
        return f"{text} [{request_id}]" if request_id else text


class TracebacksOnly(logging.Filter):
    """For django.request: keep its unhandled errors, drop its "Not Found: /x" status lines.

    Every request has its own line already (RequestLogMiddleware); Django's repeat of a 4xx
    or 5xx status comes after the request's id is gone.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.exc_info is not None


def request_id_of(request) -> str:
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    return incoming if REQUEST_ID_FORMAT.fullmatch(incoming) else uuid.uuid4().hex


def client_name(request) -> str | None:
    """The API client's name or the console user's, without a query of its own."""
    user = getattr(request, "user", None)
    # Untouched, the session's lazy user would cost a query (or fail, with the database down).
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    if user is None or not user.is_authenticated:
        return None
    # A user, or the stand-in of a signed webhook (webhooks.authentication.N8nCaller).
    return str(getattr(user, "username", "") or "") or None


class RequestLogMiddleware:
    """Gives each request an id (X-Request-ID, echoed) and logs one line when it is answered.

    First in MIDDLEWARE, so that the line has the final status and the whole duration.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_of(request)
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            client = client_name(request)
            logger.info(
                "%s %s %s %.1fms %s",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                client or "-",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "client": client,
                },
            )
            return response
        finally:
            _request_id.reset(token)
