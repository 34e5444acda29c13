"""Encryption at rest of platform-account credentials.

Credentials are a JSON object stored as one Fernet token (AES-128-CBC + HMAC-SHA256, from
`cryptography`), so the database, its backups and its dumps never hold them in clear.

Keys: `settings.CREDENTIALS_KEY` (env SHORTSGEN_CREDENTIALS_KEY), comma-separated Fernet keys.
The first encrypts; every one decrypts (MultiFernet), so a key is rotated by putting the new
key first, running `manage.py rotate_credentials`, then removing the old one.

When the variable is unset (development, tests), the key is derived from SECRET_KEY with HKDF:
zero setup, but changing SECRET_KEY then makes the stored credentials unreadable, which is why
a deployment (DEBUG off, a real DJANGO_SECRET_KEY) refuses to start without the variable
(accounts.checks). Nothing here ever logs a key or a credential.

Each key has a fingerprint (`key_fingerprints`) that names it without revealing it: the
database keeps the one of the key the credentials were last encrypted with, and a host whose
keys do not include it refuses to start (accounts.checks).
"""

import base64
import hashlib
import hmac
import json
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

MASK = "***masked***"
# HKDF's `info`: a key derived for credentials differs from any other use of SECRET_KEY.
DERIVATION_CONTEXT = b"shortsgen platform-account credentials v1"
# What a key's fingerprint is the HMAC of: a fixed label, so every host computes the same one.
FINGERPRINT_LABEL = b"shortsgen credentials key fingerprint v1"
FINGERPRINT_HEX_DIGITS = 16


class CredentialsDecryptionError(Exception):
    """The stored token was not made with any configured key (or was tampered with)."""


def parse_keys(raw: str) -> list[str]:
    return [key.strip() for key in raw.split(",") if key.strip()]


def derive_key(secret_key: str) -> bytes:
    """A Fernet key derived from SECRET_KEY: the development fallback."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=DERIVATION_CONTEXT)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


@lru_cache(maxsize=8)
def _configured_keys(raw_keys: str, secret_key: str) -> tuple[bytes, ...]:
    keys = parse_keys(raw_keys)
    if not keys:
        logger.debug(
            "SHORTSGEN_CREDENTIALS_KEY is not set: credentials are encrypted with a key "
            "derived from SECRET_KEY (development only)"
        )
        return (derive_key(secret_key),)
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            # The message names the position, never the key itself.
            raise ImproperlyConfigured(
                f"SHORTSGEN_CREDENTIALS_KEY: key {position} of {len(keys)} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)"
            ) from None
    return tuple(key.encode("ascii") for key in keys)


@lru_cache(maxsize=8)
def _build_fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def configured_keys() -> tuple[bytes, ...]:
    """The Fernet keys, the encrypting one first; cached per (keys, SECRET_KEY) so that
    overriding settings works."""
    return _configured_keys(settings.CREDENTIALS_KEY, settings.SECRET_KEY)


def get_fernet() -> MultiFernet:
    return _build_fernet(configured_keys())


def key_fingerprint(key: bytes) -> str:
    """The first 16 hex digits of HMAC-SHA256(key, a fixed label): the same key gives the same
    fingerprint on every host, and the fingerprint gives nothing of the key away."""
    digest = hmac.new(base64.urlsafe_b64decode(key), FINGERPRINT_LABEL, hashlib.sha256)
    return digest.hexdigest()[:FINGERPRINT_HEX_DIGITS]


def key_fingerprints() -> list[str]:
    """The fingerprint of each configured key, the encrypting one first."""
    return [key_fingerprint(key) for key in configured_keys()]


def encrypt_credentials(credentials: dict) -> str:
    """Encrypt a credentials object with the first configured key; returns the token."""
    if not isinstance(credentials, dict):
        raise TypeError("credentials must be a dict")
    plaintext = json.dumps(credentials, separators=(",", ":"), sort_keys=True).encode()
    return get_fernet().encrypt(plaintext).decode("ascii")


def decrypt_credentials(token: str) -> dict:
    """Decrypt a stored token with any configured key; an empty token is no credentials."""
    if not token:
        return {}
    try:
        plaintext = get_fernet().decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        raise CredentialsDecryptionError(
            "Credentials cannot be decrypted with the configured SHORTSGEN_CREDENTIALS_KEY"
        ) from None
    return json.loads(plaintext)


def rotate_token(token: str) -> str:
    """Re-encrypt a token with the first key (it may have been made with any of them)."""
    if not token:
        return token
    try:
        return get_fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise CredentialsDecryptionError(
            "Credentials cannot be decrypted with the configured SHORTSGEN_CREDENTIALS_KEY"
        ) from None


def mask_credentials(credentials: dict) -> dict:
    """The same keys, every value replaced by the mask: what responses and the admin show."""
    return dict.fromkeys(credentials, MASK)


# Shorter values than this are masked whole: their last characters would give too much away.
FINGERPRINT_MIN_LENGTH = 12
FINGERPRINT_SHOWN = 4


def fingerprint_credentials(credentials: dict) -> dict:
    """Each key with the last 4 characters of its value ("…a1b2"), enough to tell which
    credential is stored; short or non-string values are masked whole."""
    return {
        key: (
            f"…{value[-FINGERPRINT_SHOWN:]}"
            if isinstance(value, str) and len(value) >= FINGERPRINT_MIN_LENGTH
            else MASK
        )
        for key, value in credentials.items()
    }
