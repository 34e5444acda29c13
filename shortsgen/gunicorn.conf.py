"""gunicorn settings. `gunicorn shortsgen.wsgi`, run from the project's directory, reads them
through ./gunicorn.conf.py; `gunicorn -c shortsgen/gunicorn.conf.py shortsgen.wsgi` names them.

Every value can be overridden from the environment (GUNICORN_* below, or GUNICORN_CMD_ARGS).
"""

import io
import multiprocessing
import os

from django.conf import settings
from gunicorn.glogging import Logger

from core.logs import JsonFormatter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shortsgen.settings")

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Threads, because a worker's claim may wait for work (wait_seconds, up to 30 s) holding its
# thread but no database connection; SHORTSGEN_CLAIM_WAITERS_PER_PROCESS of them at most, the
# other threads serving everything else (docs/worker-protocol.md, Waiting claims).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = settings.GUNICORN_THREADS
# Shared with settings: the n8n send budget is checked against it (core.workflow_urls).
timeout = settings.GUNICORN_TIMEOUT
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so that a slow leak never becomes an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "1000"))
# ShortsGen logs every request itself (core.logs: its id, client and duration); gunicorn's
# access log would repeat it. GUNICORN_ACCESSLOG=- brings it back.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# The proxies (addresses or CIDR networks, comma-separated) whose X-Forwarded-Proto gunicorn
# believes; a load balancer on another machine must be listed, or every request looks like
# plain HTTP to Django unless DJANGO_BEHIND_TLS_PROXY is set.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn's own limit answers a long URL with an HTML 414; ShortsGen bounds the URL itself
# (SHORTSGEN_MAX_URL_BYTES, core.middleware) and answers in the API's envelope.
limit_request_line = 0


class JsonLinesLogger(Logger):
    """gunicorn's own lines (boot, worker exits and timeouts) as JSON, wherever they go."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())


if settings.LOG_FORMAT == "json":
    logger_class = JsonLinesLogger


def post_worker_init(worker):
    """Waiting claims answer at once when this worker stops (SIGTERM, max_requests reached):
    a graceful stop never waits out their wait."""
    from tasks.claim_waits import stop_waiting_when

    stop_waiting_when(lambda: not worker.alive)


def on_starting(server):
    if settings.SECRET_KEY == settings.INSECURE_DEV_SECRET_KEY and not settings.DEBUG:
        raise SystemExit("DJANGO_SECRET_KEY must be set to serve ShortsGen with gunicorn.")
    refuse_to_serve_on_failed_checks()


def refuse_to_serve_on_failed_checks():
    """Django's system checks, as `manage.py` runs them, the credentials key's (the one that
    reads the database included) and the prepared statements' (the connection's own): an
    error stops gunicorn before any worker starts."""
    import django
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.db import connections

    django.setup()
    from accounts.checks import CREDENTIALS_TAG  # a module of models: after setup
    from core.prepared_statements import PREPARED_STATEMENTS_TAG

    # Warnings go to stderr; "no issues" (stdout) is not worth a line of the server's log.
    quiet = io.StringIO()
    try:
        call_command("check", stdout=quiet)
        call_command("check", tags=[CREDENTIALS_TAG, PREPARED_STATEMENTS_TAG], stdout=quiet)
    except SystemCheckError as failure:
        raise SystemExit(str(failure)) from None
    finally:
        # The workers are forked from this process: none may inherit its connection.
        connections.close_all()
