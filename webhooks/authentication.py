import hashlib
import hmac
import time

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from core.roles import Role

SIGNATURE_HEADER = "HTTP_X_SHORTSGEN_SIGNATURE"
TIMESTAMP_HEADER = "HTTP_X_SHORTSGEN_TIMESTAMP"


class N8nCaller:
    """The request.user of a correctly signed webhook: n8n, holding a shared secret."""

    is_authenticated = True
    is_anonymous = False
    username = "n8n (HMAC)"
    api_role = Role.N8N

    def __str__(self):
        return self.username


def signature(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class WebhookSignatureAuthentication(BaseAuthentication):
    """HMAC-SHA256 over `timestamp.rawbody` with one of N8N_WEBHOOK_SECRETS.

    A request without X-ShortsGen-Signature falls through to the token; one with a signature
    must carry a valid one, whatever else it carries.
    """

    def authenticate(self, request):
        sent = request.META.get(SIGNATURE_HEADER)
        if sent is None:
            return None
        secrets = settings.N8N_WEBHOOK_SECRETS
        if not secrets:
            raise exceptions.AuthenticationFailed("Signed webhooks are not enabled.")
        timestamp = request.META.get(TIMESTAMP_HEADER, "")
        try:
            age = abs(time.time() - int(timestamp))
        except ValueError:
            raise exceptions.AuthenticationFailed(
                "Missing or invalid X-ShortsGen-Timestamp."
            ) from None
        if age > settings.N8N_WEBHOOK_MAX_AGE_SECONDS:
            # A stale timestamp: a captured request replayed later is refused.
            raise exceptions.AuthenticationFailed("Stale X-ShortsGen-Timestamp.")
        body = request.body
        # Every secret is compared (no early exit) in constant time: rotation keeps working and
        # timing tells nothing about which one matched.
        matches = [hmac.compare_digest(signature(s, timestamp, body), sent) for s in secrets]
        if not any(matches):
            raise exceptions.AuthenticationFailed("Invalid webhook signature.")
        return (N8nCaller(), "hmac")

    def authenticate_header(self, request):
        return 'Token realm="api", X-ShortsGen-Signature'
