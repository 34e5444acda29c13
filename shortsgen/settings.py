"""ShortsGen settings.

Everything that differs between a laptop and production comes from the environment
(12-factor); `.env.example` lists every variable. The defaults are the zero-setup
quick start: SQLite next to the code, DEBUG off unless asked for.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_rate(name: str, default: str | None) -> str | None:
    """A DRF throttle rate such as "600/min"; "none" (or empty) means no limit."""
    raw = os.environ.get(name, default or "none").strip().lower()
    if raw in ("", "none", "off"):
        return None
    count, _, period = raw.partition("/")
    if not count.isdigit() or period[:1] not in ("s", "m", "h", "d"):
        raise ImproperlyConfigured(f"{name} must look like 600/min (or none), got {raw!r}")
    return raw


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env_str(name).strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


DEBUG = env_bool("DJANGO_DEBUG", False)

# The insecure fallback keeps `make run` and `make test` zero-setup; the gunicorn config
# refuses to serve with it (shortsgen/gunicorn.conf.py), so production must set one.
INSECURE_DEV_SECRET_KEY = "django-insecure-shortsgen-development-only"
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or INSECURE_DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # django.contrib.admin with the console's own site (core/admin_site.py).
    "core.apps.ShortsGenAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    # Only for the migration that moved its clear-text tokens into knox's digests.
    "rest_framework.authtoken",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "assets",
    "workerconfigs",
    "projects",
    "tasks",
    "inspirations",
    "webhooks",
]

MIDDLEWARE = [
    # First: the request's id and its log line cover every other middleware's answer too.
    "core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.ApiErrorEnvelopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who acts, for the audit trail: the person signed in, or the API client of a token.
    "core.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out console login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out username/address pair before the password is
# even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "shortsgen.urls"

# Every route answers with and without a trailing slash itself; a redirect would turn a
# POST into a GET.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "shortsgen.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no SELECT ... FOR UPDATE: IMMEDIATE transactions take the write lock at
    # BEGIN, so two claims never read the same pending row; WAL lets readers go on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that the concurrency tests' threads share one test database.
    _sqlite_name = Path(DATABASES["default"]["NAME"]).name
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test_{_sqlite_name}")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Seconds to wait for PostgreSQL to accept a connection: while it is unreachable, requests
# get a 503 this soon instead of hanging until gunicorn kills the worker. (0 would mean
# forever.) A connect_timeout in DATABASE_URL's query string wins.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5)
if DATABASE_CONNECT_TIMEOUT < 1:
    raise ImproperlyConfigured("DATABASE_CONNECT_TIMEOUT must be at least 1 second")
# The worker protocol's two hot statements (tasks/services/claim_statement.py and
# completion_statement.py) are kept prepared by PostgreSQL, each connection planning them once
# (a generic plan): parsing and planning them cost more than running them. Only those two:
# every other query goes through Django's client-side binding, which never prepares. Off
# behind a pooler in transaction mode that cannot keep prepared statements (PgBouncer before
# 1.21, or without max_prepared_statements): they are session state (README, Behind
# PgBouncer; core.E005 refuses a connection that shows a pooler dropped or refused the option).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # QuerySet.iterator() outside a transaction would DECLARE a cursor WITH HOLD, session
    # state that a pooler in transaction mode loses between fetches. Nothing here streams
    # rows, so the cursors stay on the client everywhere, behind a pooler or not.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    if DATABASE_PREPARED_STATEMENTS:
        _options = DATABASES["default"]["OPTIONS"]
        _options["prepare_threshold"] = 0
        # And the session's time zone, Django's (UTC, with USE_TZ): a server whose TimeZone
        # is spelled otherwise (Debian's Etc/UTC) would cost every new connection a
        # SET TIME ZONE, and waiting claims open one each time they are woken.
        _options["options"] = (
            f"{_options.get('options', '')} -c plan_cache_mode=force_generic_plan -c TimeZone=UTC"
        )

# The connection each process LISTENs on for tasks becoming ready (waiting claims,
# tasks/ready_notifications.py): PostgreSQL's own, not a pooler's in transaction mode, where
# LISTEN hears nothing. Empty: DATABASE_URL's.
DATABASE_DIRECT_URL = env_str("DATABASE_DIRECT_URL")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Request bodies above this are refused with a 413 envelope (large task outputs belong in
# assets, not in a task row).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SHORTSGEN_MAX_BODY_BYTES", 5 * 1024 * 1024)
# Path and query string together; longer is a 414 in the envelope (docs/api.md, Input limits).
SHORTSGEN_MAX_URL_BYTES = env_int("SHORTSGEN_MAX_URL_BYTES", 8192)

# HTTPS (README, Deployment). DJANGO_HTTPS: people reach ShortsGen over HTTPS only, whether
# TLS ends here or at a proxy; it turns on the redirect, secure cookies and HSTS.
HTTPS = env_bool("DJANGO_HTTPS", False)
# TLS ends at a proxy: trust its X-Forwarded-Proto, else every request looks like plain HTTP
# (and the redirect would loop).
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_TLS_PROXY", False) else None
)
# Off when the proxy redirects http:// itself (then silence security.W008, see below).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", HTTPS)
# Probes of a load balancer or orchestrator speak plain HTTP to the instance.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", HTTPS)
# Sessions are stored under a hash of the cookie's key: a database dump signs nobody in.
SESSION_ENGINE = "core.sessions"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Deploy checks this deployment has decided do not apply, comma-separated ids (e.g.
# security.W008 when the proxy redirects to HTTPS itself). Only ever set from the environment,
# so that each one is a decision of whoever runs it.
SILENCED_SYSTEM_CHECKS = env_list("DJANGO_SILENCED_SYSTEM_CHECKS")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.HasRole"],
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.RoleRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": [
        "core.renderers.EnvelopeJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.EdgeJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.SkipLimitPagination",
    "EXCEPTION_HANDLER": "core.exceptions.envelope_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "DATETIME_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": None,
}

# API tokens: knox stores a SHA-512 digest of each and shows the token once; they do not
# expire by themselves (revoke by rotating: manage.py create_api_token NAME --rotate, or
# the admin). The prefix lets secret scanners recognise a leaked token.
REST_KNOX = {
    "TOKEN_TTL": None,
    "TOKEN_PREFIX": "sg_",
    "AUTH_HEADER_PREFIX": "Token",
}
# Seconds a process remembers a token it found (core.token_cache), so hot requests cost no
# auth query; a token revoked in another process works that long there. 0: no cache.
SHORTSGEN_TOKEN_CACHE_SECONDS = env_int("SHORTSGEN_TOKEN_CACHE_SECONDS", 5)

# Throttles (docs/roles.md): failed authentications per client address, and requests per
# API client (or person) at its role's rate. Counted in the cache, per process by default.
SHORTSGEN_THROTTLE_RATES = {
    "failed_auth": env_rate("SHORTSGEN_THROTTLE_FAILED_AUTH", "20/min"),
    "worker": env_rate("SHORTSGEN_THROTTLE_WORKER", "20000/min"),
    "n8n": env_rate("SHORTSGEN_THROTTLE_N8N", "3000/min"),
    "client": env_rate("SHORTSGEN_THROTTLE_CLIENT", "3000/min"),
    "operator": env_rate("SHORTSGEN_THROTTLE_OPERATOR", "3000/min"),
    "viewer": env_rate("SHORTSGEN_THROTTLE_VIEWER", "3000/min"),
}

# Console sign-in (django-axes): after this many failures for one username from one address,
# that pair is locked out for the cool-off time (an operator unlocks it in the admin sooner).
AXES_FAILURE_LIMIT = env_int("SHORTSGEN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("SHORTSGEN_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SPECTACULAR_SETTINGS = {
    "TITLE": "Short Video Automation Platform API",
    "DESCRIPTION": "用于管理视频生成项目、资源和任务的API — ShortsGen back office.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Our PATCH bodies are not partial versions of the PUT/POST ones: their serializers say
    # which fields are required (commit_id, commit_ids), so the schema keeps them.
    "COMPONENT_SPLIT_PATCH": False,
    # Every app has a "status"; name each enum after its model instead of a hash.
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "projects.models.Project.Status",
        "TaskStatusEnum": "tasks.models.Task.Status",
        "AssetStatusEnum": "assets.models.Asset.Status",
        "InspirationStatusEnum": "inspirations.models.Inspiration.Status",
        "PlatformAccountStatusEnum": "accounts.models.PlatformAccount.Status",
        "WebhookResultStatusEnum": ["success", "failed"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.wrap_responses_in_envelope",
    ],
}

# Task claims: the lease a worker gets when it does not ask for one (seconds).
TASK_DEFAULT_LEASE_SECONDS = env_int("SHORTSGEN_TASK_LEASE_SECONDS", 300)
# The longest lease a claim or heartbeat may ask for (seconds).
TASK_MAX_LEASE_SECONDS = env_int("SHORTSGEN_TASK_MAX_LEASE_SECONDS", 86400)
# Waiting claims (POST /api/tasks/claim with wait_seconds; tasks/claim_waits.py): the longest
# wait this deployment grants, whatever a worker asks (seconds; 0 turns waiting off), to stay
# under a load balancer's idle timeout.
SHORTSGEN_CLAIM_WAIT_LIMIT_SECONDS = env_int("SHORTSGEN_CLAIM_WAIT_LIMIT_SECONDS", 30)
# gunicorn's threads per worker process (shortsgen/gunicorn.conf.py reads it from here), and
# how many of them waiting claims may take: the rest serve every other request.
GUNICORN_THREADS = env_int("GUNICORN_THREADS", 16)
SHORTSGEN_CLAIM_WAITERS_PER_PROCESS = env_int(
    "SHORTSGEN_CLAIM_WAITERS_PER_PROCESS", max(1, GUNICORN_THREADS * 3 // 4)
)
# Retries: a failed attempt with attempts left waits base * 2**(attempts-1) seconds, at most cap.
TASK_RETRY_BACKOFF_BASE_SECONDS = env_int("SHORTSGEN_TASK_RETRY_BACKOFF_BASE_SECONDS", 10)
TASK_RETRY_BACKOFF_MAX_SECONDS = env_int("SHORTSGEN_TASK_RETRY_BACKOFF_MAX_SECONDS", 3600)

# The console's overview (docs/console.md): a workflow run still pending after this many
# minutes is shown as stuck (it was never sent, or its process died while sending).
WORKFLOW_RUN_PENDING_TOO_LONG_MINUTES = env_int("SHORTSGEN_WORKFLOW_RUN_PENDING_MINUTES", 10)

# Idempotency-Key (docs/api.md): hours a key replays its first answer; older keys count as
# unused, and `manage.py purge_idempotency_keys` deletes them.
IDEMPOTENCY_KEY_TTL_HOURS = env_int("SHORTSGEN_IDEMPOTENCY_KEY_TTL_HOURS", 24)

# Fernet keys that encrypt platform-account credentials at rest, comma-separated: the first
# encrypts, all of them decrypt (key rotation). Unset: a key derived from SECRET_KEY, for
# development and tests only (see accounts/crypto.py); a deployment refuses to start without
# it (accounts/checks.py).
CREDENTIALS_KEY = env_str("SHORTSGEN_CREDENTIALS_KEY")

# n8n. Workflow URLs used when a project type names none of its own (empty: no workflow, and
# approve creates the project itself).
N8N_INSPIRATION_WORKFLOW_URL = env_str("N8N_INSPIRATION_WORKFLOW_URL")
N8N_TRANSFORM_WORKFLOW_URL = env_str("N8N_TRANSFORM_WORKFLOW_URL")
N8N_EXECUTION_WORKFLOW_URL = env_str("N8N_EXECUTION_WORKFLOW_URL")
# The only hosts workflow triggers may be sent to, comma-separated `host` or `host:port` (no
# port: 80 for http, 443 for https). Project types name their own workflow URLs, and without
# this list a client could make ShortsGen POST to any internal service. Default: the hosts of
# the three URLs above (also when set but empty, as in .env.example).
N8N_ALLOWED_HOSTS = env_list("N8N_ALLOWED_HOSTS") or [
    host
    for url in (
        N8N_INSPIRATION_WORKFLOW_URL,
        N8N_TRANSFORM_WORKFLOW_URL,
        N8N_EXECUTION_WORKFLOW_URL,
    )
    if (host := urlsplit(url).netloc.rpartition("@")[2])
]
# Outbound calls: seconds to connect and to wait for the answer, and how many times a call
# that never reached n8n (refused connection, 404 of an unregistered webhook, 502/503/504) is
# retried, with this backoff factor; all of it within N8N_SEND_BUDGET_SECONDS, which must fit
# well inside gunicorn's timeout (a deploy check compares them).
N8N_CONNECT_TIMEOUT = env_int("N8N_CONNECT_TIMEOUT", 5)
N8N_READ_TIMEOUT = env_int("N8N_READ_TIMEOUT", 15)
N8N_RETRIES = env_int("N8N_RETRIES", 2)
N8N_RETRY_BACKOFF_MS = env_int("N8N_RETRY_BACKOFF_MS", 500)
N8N_SEND_BUDGET_SECONDS = env_int("N8N_SEND_BUDGET_SECONDS", 10)
# gunicorn's worker timeout (shortsgen/gunicorn.conf.py reads it from here).
GUNICORN_TIMEOUT = env_int("GUNICORN_TIMEOUT", 30)
# Secrets that authenticate triggers to n8n, comma-separated: the first is sent (header
# X-ShortsGen-Trigger-Token, and the HMAC key of X-ShortsGen-Signature). Empty: triggers go
# out unauthenticated (a warning; outside DEBUG with workflow URLs, a deploy check error).
N8N_TRIGGER_SECRETS = env_list("N8N_TRIGGER_SECRET")
# Minutes a run n8n accepted may wait for its callback before it is marked failed
# (`manage.py expire_workflow_runs`): one default, and one per kind.
N8N_RUN_DEADLINE_MINUTES = env_int("N8N_RUN_DEADLINE_MINUTES", 30)
N8N_RUN_DEADLINE_MINUTES_BY_KIND = {
    "inspiration": env_int("N8N_INSPIRATION_RUN_DEADLINE_MINUTES", N8N_RUN_DEADLINE_MINUTES),
    "transform": env_int("N8N_TRANSFORM_RUN_DEADLINE_MINUTES", N8N_RUN_DEADLINE_MINUTES),
    "execution": env_int("N8N_EXECUTION_RUN_DEADLINE_MINUTES", 240),
}
# Shared secrets for HMAC-signed webhooks, comma-separated (rotation: add the new one, switch
# n8n, drop the old one). Empty: webhooks accept the API token only.
N8N_WEBHOOK_SECRETS = env_list("N8N_WEBHOOK_SECRET")
# Seconds a signed webhook's timestamp may differ from our clock.
N8N_WEBHOOK_MAX_AGE_SECONDS = env_int("N8N_WEBHOOK_MAX_AGE_SECONDS", 300)
# The address n8n reaches ShortsGen at: callback URLs in the workflow payloads start with it.
SHORTSGEN_PUBLIC_URL = env_str("SHORTSGEN_PUBLIC_URL", "http://localhost:8000").rstrip("/")

# json: one JSON object a line, for log collectors; plain: for people (the default with DEBUG,
# as in `make run`). Every request gets one line of its own (core.logs); neither format ever
# holds a request body or header, so tokens and credentials stay out of the logs.
LOG_FORMAT = env_choice("SHORTSGEN_LOG_FORMAT", ("json", "plain"), "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        "plain": {
            "class": "core.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "filters": {
        "request_id": {"()": "core.logs.RequestIdFilter"},
        "tracebacks_only": {"()": "core.logs.TracebacksOnly"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("SHORTSGEN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Unhandled errors with their traceback; its status lines repeat the request's own.
        "django.request": {"filters": ["tracebacks_only"]},
        # Lockouts and failures are WARNING; its INFO lines repeat every successful sign-in.
        "axes": {"level": "WARNING"},
    },
}
