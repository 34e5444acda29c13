"""Start-up checks of the credentials key: well-formed, set in a deployment, and the one the
stored credentials were encrypted with. Each host refuses to start on an error, instead of
failing reads of credentials later."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from accounts.crypto import get_fernet, key_fingerprints
from accounts.selectors import stored_credentials_key_fingerprint

# gunicorn's start runs the checks of this tag beside the usual ones (shortsgen/gunicorn.conf.py).
CREDENTIALS_TAG = "credentials"


@checks.register(checks.Tags.security, CREDENTIALS_TAG)
def check_credentials_key(app_configs, **kwargs):
    """A malformed SHORTSGEN_CREDENTIALS_KEY fails `manage.py check` before any request does."""
    try:
        get_fernet()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="accounts.E001")]
    return []


@checks.register(checks.Tags.security, CREDENTIALS_TAG)
def check_credentials_key_is_set(app_configs, **kwargs):
    """A deployment (DEBUG off, a real DJANGO_SECRET_KEY: what gunicorn requires to serve)
    needs its own key; the key derived from SECRET_KEY stays for development and tests."""
    if settings.DEBUG or settings.CREDENTIALS_KEY.strip():
        return []
    if settings.SECRET_KEY == settings.INSECURE_DEV_SECRET_KEY:
        return []
    return [
        checks.Error(
            "SHORTSGEN_CREDENTIALS_KEY is not set: platform-account credentials would be "
            "encrypted with a key derived from DJANGO_SECRET_KEY, and changing that secret "
            "would make them unreadable.",
            hint="Set SHORTSGEN_CREDENTIALS_KEY, the same on every host. New deployment: "
            'python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())". Existing credentials: docs/api.md, '
            "Credentials keys.",
            id="accounts.E002",
        )
    ]


# Database-tagged: it queries, so Django runs it only where a database is named (`migrate`,
# `check --database default`), and gunicorn's start by its tag; never a `collectstatic`.
@checks.register(checks.Tags.database, CREDENTIALS_TAG)
def check_credentials_key_matches_the_database(app_configs, databases=None, **kwargs):
    """This host's keys include the one the stored credentials were last encrypted with."""
    if databases is not None and "default" not in databases:
        return []
    try:
        fingerprints = key_fingerprints()
    except ImproperlyConfigured:
        return []  # accounts.E001 says why
    try:
        stored = stored_credentials_key_fingerprint()
    except DatabaseError:
        return []  # unreachable: the readiness probe reports it, and the next start checks
    if stored is None or stored in fingerprints:
        return []
    return [
        checks.Error(
            "SHORTSGEN_CREDENTIALS_KEY does not hold the key the stored platform-account "
            f"credentials were encrypted with (fingerprint {stored}; this host's keys: "
            f"{', '.join(fingerprints)}). Its claims could not decrypt them.",
            hint="Set SHORTSGEN_CREDENTIALS_KEY to the key the other hosts use. If this host "
            "has the new key of a rotation, list it first and the old key after it, until "
            "`manage.py rotate_credentials` has run (docs/api.md, Credentials keys).",
            id="accounts.E003",
        )
    ]
