"""One error kind for the services, one handler that turns every error into the envelope."""

import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework.views import set_rollback

from core.database import (
    DATABASE_UNAVAILABLE_MESSAGE,
    RETRY_AFTER_SECONDS,
    is_database_unavailable,
    log_database_unavailable,
)
from core.responses import EnvelopeResponse

logger = logging.getLogger(__name__)

DATABASE_CONFLICT = "Conflict with existing data"
DATABASE_INVALID_INPUT = "Invalid input for the database"


class ApplicationError(Exception):
    """A request the domain refuses: the message is shown to the client as is.

    `field` names the input the refusal is about, when one is, so that a form can show it
    beside that field; messages that start with "<field>: " name it too.
    """

    status_code = 400

    def __init__(
        self, message: str, *, status_code: int | None = None, data=None, field: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.data = data
        self.field = field
        if status_code is not None:
            self.status_code = status_code


class NotFoundError(ApplicationError):
    status_code = 404


def flatten_errors(detail, prefix: str = "") -> list[str]:
    """Turn DRF's nested error detail into "field: reason" lines (tasks[1].task_type: ...)."""
    if isinstance(detail, dict):
        lines = []
        for field, value in detail.items():
            if field in ("non_field_errors", "__all__"):
                lines.extend(flatten_errors(value, prefix))
            elif isinstance(field, int):  # a list serializer's errors, keyed by position
                lines.extend(flatten_errors(value, f"{prefix}[{field}]"))
            else:
                lines.extend(flatten_errors(value, f"{prefix}.{field}" if prefix else str(field)))
        return lines
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [f"{prefix}: {item}" if prefix else str(item) for item in detail]
        lines = []
        for index, item in enumerate(detail):
            if item:
                lines.extend(flatten_errors(item, f"{prefix}[{index}]"))
        return lines
    return [f"{prefix}: {detail}" if prefix else str(detail)]


def error_response(status_code: int, message: str, data=None, headers=None) -> EnvelopeResponse:
    return EnvelopeResponse(
        data, code=status_code, msg=message, status=status_code, headers=headers
    )


def envelope_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every failure becomes {code, msg, data}; never an HTML page."""
    if is_database_unavailable(exc):
        set_rollback()
        log_database_unavailable(exc)
        return error_response(
            503, DATABASE_UNAVAILABLE_MESSAGE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        )
    if isinstance(exc, ApplicationError):
        set_rollback()
        return error_response(exc.status_code, exc.message, exc.data)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = drf_exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )

    if isinstance(exc, drf_exceptions.ValidationError):
        set_rollback()
        lines = flatten_errors(exc.detail)
        return error_response(400, "; ".join(lines) or "Invalid input.", {"errors": exc.detail})
    if isinstance(exc, drf_exceptions.APIException):
        set_rollback()
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        detail = (
            exc.detail if isinstance(exc.detail, str) else "; ".join(flatten_errors(exc.detail))
        )
        return error_response(exc.status_code, str(detail), headers=headers or None)

    set_rollback()
    view_name = context.get("view").__class__.__name__
    if isinstance(exc, IntegrityError | DataError):
        # Input that no check caught before the database did: a bug to fix (hence ERROR
        # with the traceback), answered as the client's error without the database's words.
        logger.error("Database refused the input in %s", view_name, exc_info=exc)
        if isinstance(exc, IntegrityError):
            return error_response(409, DATABASE_CONFLICT)
        return error_response(400, DATABASE_INVALID_INPUT)
    logger.exception("Unhandled error in %s", view_name)
    return error_response(500, HTTPStatus.INTERNAL_SERVER_ERROR.phrase)
