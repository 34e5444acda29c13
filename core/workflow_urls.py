"""Where ShortsGen may send workflow triggers: http(s) URLs whose host[:port] is allow-listed.

Workflow URLs are typed in by API clients and admins, and ShortsGen POSTs to them from inside
the network; without this check they would reach any internal service (SSRF). The rule is
checked where a URL is set (the project type services and the admin form) and again at send
time (core.n8n), because the allowlist may have changed since the URL was stored.
"""

import string
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

DEFAULT_PORTS = {"http": 80, "https": 443}
SETTINGS_WORKFLOW_URLS = (
    "N8N_INSPIRATION_WORKFLOW_URL",
    "N8N_TRANSFORM_WORKFLOW_URL",
    "N8N_EXECUTION_WORKFLOW_URL",
)
# Parsers disagree about backslashes, spaces and control characters ("http://a\@b" is host a
# for urllib3 and host b for urllib): a URL holding one could pass the check for one host and
# be sent to another. So only plain printable ASCII is accepted, and the host must read the
# same to urllib (checked here) and to urllib3 (which sends it).
URL_CHARACTERS = frozenset(string.printable) - frozenset(string.whitespace) - {"\\"}


def workflow_url_problem(url: str) -> str | None:
    """Why this URL may not be a workflow URL, in words fit for the caller; None if it may."""
    if not url or not set(url) <= URL_CHARACTERS:
        return "Enter a valid URL."
    try:
        parts = urlsplit(url)
        hostname, port = parts.hostname, parts.port
        sent_to = parse_url(url)  # how requests (urllib3) will read it
    except (ValueError, LocationParseError):  # a malformed [IPv6] host or port
        return "Enter a valid URL."
    if not parts.scheme:
        return "Enter a valid URL."
    if parts.scheme not in DEFAULT_PORTS:
        return "Only http and https URLs are allowed."
    if not hostname:
        return "Enter a valid URL."
    if ((sent_to.host or "").strip("[]").lower(), sent_to.port) != (hostname, port):
        return "Enter a valid URL."
    port = DEFAULT_PORTS[parts.scheme] if port is None else port
    if (hostname, port) not in allowed_hosts(parts.scheme):
        return f"Host {_show(hostname, port)} is not in N8N_ALLOWED_HOSTS."
    return None


def allowed_hosts(scheme: str) -> set[tuple[str, int]]:
    """N8N_ALLOWED_HOSTS as (host, port) pairs; an entry without a port means the scheme's own."""
    pairs = set()
    for entry in settings.N8N_ALLOWED_HOSTS:
        host, port = parse_allowed_host(entry)
        pairs.add((host, DEFAULT_PORTS[scheme] if port is None else port))
    return pairs


def parse_allowed_host(entry: str) -> tuple[str, int | None]:
    """`n8n`, `n8n:5678`, `[::1]:5678` → (host, port or None); anything else is a setup error."""
    try:
        parts = urlsplit(f"//{entry.strip()}")
        host, port = parts.hostname, parts.port
    except ValueError:
        parts, host = None, None
    if not host or parts.path or parts.username or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"N8N_ALLOWED_HOSTS: {entry!r} is not a host or host:port entry."
        )
    return host, port


def _show(hostname: str, port: int) -> str:
    return f"[{hostname}]:{port}" if ":" in hostname else f"{hostname}:{port}"


def check_n8n_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check`: N8N_ALLOWED_HOSTS is well-formed and allows the settings' own URLs."""
    try:
        for entry in settings.N8N_ALLOWED_HOSTS:
            parse_allowed_host(entry)
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="core.E001")]
    messages = []
    for name in SETTINGS_WORKFLOW_URLS:
        url = getattr(settings, name)
        problem = workflow_url_problem(url) if url else None
        if problem is not None:
            messages.append(
                checks.Warning(f"{name}: {problem} Its triggers will fail.", id="core.W001")
            )
    return messages


# Seconds left between the end of the longest trigger send and gunicorn killing the worker:
# the rest of the request (the transaction, the response) must fit there.
SEND_BUDGET_MARGIN_SECONDS = 5


def check_n8n_send_budget(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check`: a trigger sent inside a request ends well before gunicorn's timeout."""
    budget, timeout = settings.N8N_SEND_BUDGET_SECONDS, settings.GUNICORN_TIMEOUT
    if budget <= 0:
        return [checks.Error("N8N_SEND_BUDGET_SECONDS must be positive.", id="core.E002")]
    if budget + SEND_BUDGET_MARGIN_SECONDS > timeout:
        return [
            checks.Error(
                f"N8N_SEND_BUDGET_SECONDS ({budget}) does not fit GUNICORN_TIMEOUT ({timeout}) "
                f"with {SEND_BUDGET_MARGIN_SECONDS} s to spare: a slow n8n would get the "
                "request killed.",
                hint="Lower N8N_SEND_BUDGET_SECONDS or raise GUNICORN_TIMEOUT.",
                id="core.E003",
            )
        ]
    return []


def trigger_secret_missing() -> bool:
    """Workflow URLs are configured but triggers would go out unauthenticated."""
    return not settings.N8N_TRIGGER_SECRETS and any(
        getattr(settings, name) for name in SETTINGS_WORKFLOW_URLS
    )


@checks.register(checks.Tags.security, deploy=True)
def check_n8n_trigger_secret(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check --deploy`: production refuses unauthenticated triggers."""
    if settings.DEBUG or not trigger_secret_missing():
        return []
    return [
        checks.Error(
            "N8N_TRIGGER_SECRET is not set: anyone who can reach n8n could start its workflows.",
            hint="Set N8N_TRIGGER_SECRET, and the same value in n8n's Header Auth credential.",
            id="core.E004",
        )
    ]
