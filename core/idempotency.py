"""`Idempotency-Key` on the POSTs that create: a retry replays the first answer, creates nothing.

docs/api.md ("Idempotency-Key") has the rules as clients see them; `IdempotencyRecord` the
storage. Only 2xx answers are stored: a refused request leaves its key free for a retry.
"""

import functools
import json
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.utils.encoders import JSONEncoder

from core.exceptions import ApplicationError
from core.models import IdempotencyRecord
from core.responses import EnvelopeResponse, envelope, is_enveloped

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_FORMAT = re.compile(r"[\x20-\x7e]{1,255}")
HASH_SALT = "core.idempotency.request_hash"

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional, 1 to 255 printable ASCII characters, unique per request you mean. The "
        "same key with the same body within SHORTSGEN_IDEMPOTENCY_KEY_TTL_HOURS (24 h) "
        "answers the first success again (header `Idempotent-Replayed: true`) and creates "
        "nothing; with another body, 422. Keys are per API client and per endpoint."
    ),
)
KEY_REUSED_RESPONSE = OpenApiResponse(
    {"$ref": "#/components/schemas/ErrorEnvelope"},
    description="The Idempotency-Key was used with a different request body; nothing was created.",
)


def key_ttl() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotent(view_method):
    """Make a creating view method honour the Idempotency-Key header, and document it.

    Put it above the method's @extend_schema: it adds the header and the 422 to what that
    one declares.
    """

    @functools.wraps(view_method)
    def handler(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(view, request, *args, **kwargs)
        if not KEY_FORMAT.fullmatch(key):
            raise ApplicationError(f"{HEADER} header must be 1 to 255 printable ASCII characters.")
        body = canonical_json(request.data)
        with transaction.atomic():
            record, created = _record_claim(_scope(request, key), _body_hash(body))
            if not created:
                return _replay(record, key=key, body=body)
            response = view_method(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                _record_store(record, response)
            else:
                transaction.set_rollback(True)
            return response

    return _documented(handler)


def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _body_hash(body: str, secret: str | None = None) -> str:
    return salted_hmac(HASH_SALT, body, secret=secret, algorithm="sha256").hexdigest()


def _same_body(stored_hash: str, body: str) -> bool:
    # Fallback keys too: a retry that straddles a SECRET_KEY rotation is still the same body.
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return any(constant_time_compare(stored_hash, _body_hash(body, s)) for s in secrets)


def _scope(request, key: str) -> dict:
    match = request.resolver_match
    # The route's own path: /projects and /api/projects/ are one endpoint.
    path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    return {"user_id": request.user.pk, "key": key, "method": request.method, "path": path}


def _record_claim(scope: dict, request_hash: str) -> tuple[IdempotencyRecord, bool]:
    """The key's record: inserted now (True), or the one an earlier request stored (False)."""
    # An expired key counts as unused, also before the purge has deleted it.
    IdempotencyRecord.objects.filter(**scope, created_at__lt=timezone.now() - key_ttl()).delete()
    try:
        # Inserted before the creation, in its transaction: a concurrent request with this
        # key blocks on the unique index until this one ends, then finds what it stored
        # (or, after a rollback, nothing, and goes ahead itself).
        with transaction.atomic():
            return IdempotencyRecord.objects.create(**scope, request_hash=request_hash), True
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(**scope).first()
        if record is None:
            raise
        return record, False


def _record_store(record: IdempotencyRecord, response) -> None:
    # The envelope as EnvelopeJSONRenderer writes it, so that a replay renders the same bytes.
    body = response.data if is_enveloped(response) else envelope(response.data)
    record.response_status = response.status_code
    record.response_body = json.dumps(body, cls=JSONEncoder, ensure_ascii=False)
    record.save(update_fields=["response_status", "response_body"])


def _replay(record: IdempotencyRecord, *, key: str, body: str) -> EnvelopeResponse:
    if not _same_body(record.request_hash, body):
        raise ApplicationError(
            f'{HEADER} "{key}" was used with a different request body; '
            "send a new key for a new request.",
            status_code=422,
        )
    stored = json.loads(record.response_body)
    return EnvelopeResponse(
        stored["data"],
        code=stored["code"],
        msg=stored["msg"],
        status=record.response_status,
        headers={REPLAYED_HEADER: "true"},
    )


def _documented(handler):
    handler = extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER])(handler)

    class IdempotentSchema(handler.kwargs["schema"]):
        def get_response_serializers(self):
            responses = super().get_response_serializers()
            if isinstance(responses, dict):
                return {**responses, 422: KEY_REUSED_RESPONSE}
            return responses

    handler.kwargs["schema"] = IdempotentSchema
    return handler


def idempotency_records_purge() -> int:
    """Delete the records of keys past the window (they already count as unused)."""
    cutoff = timezone.now() - key_ttl()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
