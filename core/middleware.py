from http import HTTPStatus

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import HttpResponse, JsonResponse

from core.database import DATABASE_UNAVAILABLE_MESSAGE, RETRY_AFTER_SECONDS, note_database_outage
from core.parsers import printable, refused_character
from core.responses import envelope

API_PATH_PREFIXES = ("/api/", "/projects")
# The HTML documentation pages live under /api/ but are not part of the JSON API.
DOCS_PATH_PREFIXES = ("/api/docs", "/api/redoc")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PATH_PREFIXES) and not path.startswith(DOCS_PATH_PREFIXES)


def envelope_error(status: int, message: str | None = None, data=None) -> JsonResponse:
    return JsonResponse(
        envelope(data, code=status, msg=message or HTTPStatus(status).phrase),
        status=status,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


def database_unavailable(api: bool) -> HttpResponse:
    if api:
        response = envelope_error(503, DATABASE_UNAVAILABLE_MESSAGE)
    else:
        response = HttpResponse(
            "<!doctype html><title>Service Unavailable</title><h1>Service Unavailable</h1>"
            f"<p>{DATABASE_UNAVAILABLE_MESSAGE}.</p>",
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ApiErrorEnvelopeMiddleware:
    """Keeps Django's own error pages out of the JSON API.

    DRF's exception handler covers errors raised inside its views; this covers the rest:
    unknown URLs (404), Django-level 405, an unhandled error (500, DEBUG's technical page
    included), request bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (413), which DRF's
    parsers would otherwise read whole, URLs over SHORTSGEN_MAX_URL_BYTES (414, which
    gunicorn would answer in HTML), bodies sent without a length (411), and path and
    query parameters the database could not store (400, as core.parsers does for bodies).
    A database outage outside DRF's views (the session middleware, the admin) is a 503
    here: the envelope for the API, a short page elsewhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(note_database_outage, dispatch_uid="database_outage")

    def __call__(self, request):
        if not is_api_path(request.path):
            response = self.get_response(request)
            if response.status_code == 500 and getattr(request, "database_unavailable", False):
                return database_unavailable(api=False)
            return response
        try:
            content_length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return envelope_error(400, "Invalid Content-Length header")
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not request.META.get("CONTENT_LENGTH"):
            # Django reads a body without Content-Length as empty: a chunked body would be
            # answered with a misleading "title: This field is required."
            return envelope_error(
                411, "A request body needs a Content-Length header (chunked bodies are refused)."
            )
        url_bytes = len(request.META.get("PATH_INFO", "")) + len(
            request.META.get("QUERY_STRING", "")
        )
        if url_bytes > settings.SHORTSGEN_MAX_URL_BYTES:
            return envelope_error(
                414, f"URL longer than {settings.SHORTSGEN_MAX_URL_BYTES} bytes (path and query)"
            )
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and content_length > limit:
            return envelope_error(413, f"Request body larger than {limit} bytes")

        response = self.get_response(request)
        if response.status_code < 400:
            return response
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            return database_unavailable(api=True)
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        enveloped = envelope_error(response.status_code)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                enveloped[header] = response[header]
        return enveloped

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_api_path(request.path):
            return None
        parameters = [(name, [value]) for name, value in view_kwargs.items()]
        for name, values in [*parameters, *request.GET.lists()]:
            for text in (name, *values):
                if isinstance(text, str) and (reason := refused_character(text)):
                    name = printable(name)
                    return envelope_error(400, f"{name}: {reason}", {"errors": {name: [reason]}})
        return None
