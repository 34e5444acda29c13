import hmac
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from core.roles import Role
from core.signatures import signature, signed_message  # noqa: F401  (tests import them here)

SIGNATURE_HEADER = "HTTP_X_SHORTSGEN_SIGNATURE"
TIMESTAMP_HEADER = "HTTP_X_SHORTSGEN_TIMESTAMP"
# Unix seconds, ASCII digits only: int() would take "+5", " 5", "5_0" or Arabic-Indic digits,
# and a 400-digit number overflows the float arithmetic of the window check.
TIMESTAMP_FORMAT = re.compile(r"[0-9]{1,12}")
# Checked before compare_digest, which raises TypeError on a non-ASCII str.
SIGNATURE_FORMAT = re.compile(r"sha256=[0-9a-fA-F]{64}")


class N8nCaller:
    """The request.user of a correctly signed webhook: n8n, holding a shared secret."""

    is_authenticated = True
    is_anonymous = False
    username = "n8n (HMAC)"
    api_role = Role.N8N

    def __str__(self):
        return self.username


@dataclass(frozen=True)
class SignedRequest:
    """The request.auth of a correctly signed webhook: what makes its delivery unique."""

    signature: str
    signed_at: datetime


def signed_path(request) -> str:
    """The path as the request sent it, with its query string when it has one."""
    query = request.META.get("QUERY_STRING", "")
    return f"{request.path}?{query}" if query else request.path


class WebhookSignatureAuthentication(BaseAuthentication):
    """HMAC-SHA256 over timestamp, method, path and raw body with one of N8N_WEBHOOK_SECRETS.

    A request without X-ShortsGen-Signature falls through to the token; one with a signature
    must carry a valid one, whatever else it carries. The signature binds the request to its
    endpoint and target; docs/n8n.md gives the recipe.
    """

    def authenticate(self, request):
        sent = request.META.get(SIGNATURE_HEADER)
        if sent is None:
            return None
        secrets = settings.N8N_WEBHOOK_SECRETS
        if not secrets:
            raise exceptions.AuthenticationFailed("Signed webhooks are not enabled.")
        timestamp = request.META.get(TIMESTAMP_HEADER, "")
        if not TIMESTAMP_FORMAT.fullmatch(timestamp):
            raise exceptions.AuthenticationFailed("Missing or invalid X-ShortsGen-Timestamp.")
        if abs(time.time() - int(timestamp)) > settings.N8N_WEBHOOK_MAX_AGE_SECONDS:
            # A stale timestamp: a captured request replayed later is refused. Inside the
            # window a replay is the same delivery (webhooks.services applies it once).
            raise exceptions.AuthenticationFailed("Stale X-ShortsGen-Timestamp.")
        if not SIGNATURE_FORMAT.fullmatch(sent):
            raise exceptions.AuthenticationFailed(
                "Invalid X-ShortsGen-Signature: expected sha256=<64 hex digits>."
            )
        # Lower case, so that an upper-case copy of a signature is not a new delivery key.
        sent = sent.lower()
        path, body = signed_path(request), request.body
        # Every secret is compared (no early exit) in constant time: rotation keeps working and
        # timing tells nothing about which one matched.
        matches = [
            hmac.compare_digest(signature(s, timestamp, request.method, path, body), sent)
            for s in secrets
        ]
        if not any(matches):
            raise exceptions.AuthenticationFailed("Invalid webhook signature.")
        signed_at = datetime.fromtimestamp(int(timestamp), tz=UTC)
        return (N8nCaller(), SignedRequest(signature=sent, signed_at=signed_at))

    def authenticate_header(self, request):
        return 'Token realm="api", X-ShortsGen-Signature'
