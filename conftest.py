import os

import pytest
from django.core.cache import cache

from core import token_cache
from core.roles import Role
from core.testing import session_client, token_client


@pytest.fixture
def api(db):
    """An API client with a `client` token: front ends and integrations, the contract's CRUD."""
    return token_client()


@pytest.fixture
def worker_api(db):
    """An API client with a `worker` token: claims, heartbeats, releases, reports."""
    return token_client("test-worker", Role.WORKER)


@pytest.fixture
def n8n_api(db):
    """An API client with an `n8n` token: the webhooks."""
    return token_client("test-n8n", Role.N8N)


@pytest.fixture
def operator_api(db):
    """A person of the operator group, signed in (session)."""
    return session_client("test-operator", Role.OPERATOR)


@pytest.fixture(autouse=True)
def _fresh_throttles(settings):
    # Counts live in the cache, which outlives a test; the throttle tests set their rates.
    cache.clear()
    settings.SHORTSGEN_THROTTLE_RATES = dict.fromkeys(settings.SHORTSGEN_THROTTLE_RATES)
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_token_cache(settings):
    # Off unless a test turns it on (core/tests/test_token_cache.py): with it, a request's
    # query count would depend on whether an earlier request of the test used the token.
    settings.SHORTSGEN_TOKEN_CACHE_SECONDS = 0
    token_cache.clear()
    yield
    token_cache.clear()


@pytest.fixture(autouse=True)
def _dependency_counts_hold(request):
    # Every test that touches the database leaves each task's count of unfinished
    # dependencies true to its edges: the fast completion promotes by that count alone.
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if uses_db:
        # Set up the test's database first, so that it is still there when this checks.
        request.getfixturevalue("_django_db_helper")
    yield
    if uses_db:
        from tasks.testing import dependency_counts_wrong

        assert dependency_counts_wrong() == []


@pytest.fixture
def n8n(settings):
    """A stand-in n8n on loopback (core.testing_n8n.FakeN8n) with every workflow URL pointed at
    it and ShortsGen's public URL set. A module needing more settings extends it:
    `def n8n(n8n, settings): ...; return n8n` (the end-to-end test's real n8n is its own)."""
    from core.testing_n8n import PUBLIC_URL, FakeN8n, point_workflows_at

    server = FakeN8n()
    point_workflows_at(settings, server, PUBLIC_URL)
    yield server
    server.stop()


@pytest.fixture
def migrate_to():
    """Migrate the test database to `targets` and return the apps of that state; the latest
    state is restored afterwards (migration tests, with transaction=True)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield migrate
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.fixture
def may_set_workflow_urls(api):
    """The `api` client's user holds projects.set_workflow_urls."""
    from core.testing import grant

    grant("test-client", "projects.set_workflow_urls")


@pytest.fixture
def anon(db):
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def demo_types(db):
    from projects.demo import load_demo_project_types

    return {t.code: t for t in load_demo_project_types()}


@pytest.fixture
def make_config(db):
    """A worker config (worker configs' and task configs' tests)."""
    from workerconfigs.models import WorkerConfig

    def make(**fields) -> WorkerConfig:
        fields.setdefault("config_name", "config")
        fields.setdefault("config_type", "execution")
        fields.setdefault("worker_type", "video_generator")
        return WorkerConfig.objects.create(**fields)

    return make


@pytest.fixture
def make_task(db):
    """A task of a project of its own (task configs' tests)."""
    from projects.models import Project
    from tasks.models import Task

    def make(task_type: str = "video_generation"):
        project = Project.objects.create(name="p", project_type="t")
        return Task.objects.create(project=project, task_type=task_type)

    return make


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    # The manifest storage of production needs `collectstatic`; tests render the admin and
    # the docs pages from the apps' own static folders instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def browser():
    """Chromium driven by Playwright (see core/testing_browser.py for which Chromium)."""
    from core.testing_browser import browser_required, chromium_path

    executable = chromium_path()
    if executable is None:
        reason = (
            "browser tests need Chromium: install Debian's `chromium` package "
            "(apt-get install chromium) or set SHORTSGEN_CHROMIUM to a Chromium binary"
        )
        if browser_required():
            pytest.fail(reason)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are
    # still plain synchronous code, which Django would otherwise refuse beside that loop.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def pgbouncer(django_db_setup):
    """Starts PgBouncers in transaction mode in front of the test database (see
    core/testing_pgbouncer.py): `bouncer = pgbouncer(pool_size=2)`; all stopped after the test."""
    from django.db import connection

    from core.testing_pgbouncer import PgBouncer, pgbouncer_path, pgbouncer_required

    if connection.vendor != "postgresql":
        pytest.skip("PgBouncer pools PostgreSQL connections")
    executable = pgbouncer_path()
    if executable is None:
        reason = (
            "PgBouncer tests need pgbouncer: install Debian's `pgbouncer` package "
            "(apt-get install pgbouncer) or set SHORTSGEN_PGBOUNCER to a pgbouncer binary"
        )
        if pgbouncer_required():
            pytest.fail(reason)
        pytest.skip(reason)
    started = []

    def start(**options) -> PgBouncer:
        bouncer = PgBouncer(executable, dict(connection.settings_dict), **options)
        started.append(bouncer)
        return bouncer.start()

    try:
        yield start
    finally:
        for bouncer in started:
            bouncer.stop()


@pytest.fixture
def console_user(transactional_db):
    """The person the browser signs in as: a superuser, as an operator on day one."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("ops", "ops@example.com", "ops-password-1")


@pytest.fixture
def console(browser, live_server, console_user, client, request):
    """A 1280x800 browser page signed in to the console on the live server."""
    from django.conf import settings as django_settings

    from core.testing_browser import Console

    client.force_login(console_user)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    server_errors = []
    page.on("response", lambda r: r.status >= 500 and server_errors.append((r.url, r.status)))
    yield Console(page, live_server.url, request.node.name)
    context.close()
    assert not server_errors, f"the console answered 5xx: {server_errors}"


@pytest.fixture(autouse=True)
def _no_listener_left():
    """A test that made claims wait leaves no listening connection behind (it would keep
    the test database from being dropped)."""
    yield
    from tasks.claim_waits import stop_listening

    stop_listening()
