"""SHORTSGEN_PUBLIC_URL, the address n8n calls ShortsGen back at, checked for deployment.

Its default, http://localhost:8000, suits one machine running both. With several hosts (or
n8n on another machine) localhost is n8n's own machine: every callback would be lost.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


def is_loopback_url(url: str) -> bool:
    """The URL's host is this machine (localhost, a loopback or unspecified address)."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@checks.register(checks.Tags.security, deploy=True)
def check_public_url(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check --deploy`: n8n can reach the callback URLs ShortsGen sends it."""
    # N8N_ALLOWED_HOSTS is empty exactly when no workflow can be triggered (it defaults to
    # the hosts of the workflow URLs): then no callback URL is ever sent.
    if settings.DEBUG or not settings.N8N_ALLOWED_HOSTS:
        return []
    if not is_loopback_url(settings.SHORTSGEN_PUBLIC_URL):
        return []
    return [
        checks.Warning(
            f"SHORTSGEN_PUBLIC_URL is {settings.SHORTSGEN_PUBLIC_URL}: n8n would call back "
            "its own machine, not ShortsGen.",
            hint="Set SHORTSGEN_PUBLIC_URL to the address n8n reaches ShortsGen at (the load "
            "balancer's, the same on every host); if n8n runs on this machine, silence "
            "core.W002 in DJANGO_SILENCED_SYSTEM_CHECKS.",
            id="core.W002",
        )
    ]
