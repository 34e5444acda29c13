from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from accounts.crypto import get_fernet


@checks.register(checks.Tags.security)
def check_credentials_key(app_configs, **kwargs):
    """A malformed SHORTSGEN_CREDENTIALS_KEY fails `manage.py check` before any request does."""
    try:
        get_fernet()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="accounts.E001")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_credentials_key_is_set(app_configs, **kwargs):
    if settings.CREDENTIALS_KEY.strip():
        return []
    return [
        checks.Warning(
            "SHORTSGEN_CREDENTIALS_KEY is not set: platform-account credentials are encrypted "
            "with a key derived from DJANGO_SECRET_KEY, and changing that secret makes them "
            "unreadable.",
            hint='Generate a key: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"',
            id="accounts.W001",
        )
    ]
