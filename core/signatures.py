"""The HMAC-SHA256 signature ShortsGen and n8n share, in both directions: inbound webhooks
(webhooks.authentication checks it) and outbound triggers (core.n8n signs them)."""

import hashlib
import hmac


def signed_message(timestamp: str, method: str, path: str, body: bytes) -> bytes:
    """The signed bytes: `<timestamp>\\n<METHOD>\\n<path>\\n` (UTF-8), then the raw body."""
    return f"{timestamp}\n{method.upper()}\n{path}\n".encode() + body


def signature(secret: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    message = signed_message(timestamp, method, path, body)
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
