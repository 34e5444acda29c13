import pytest
from django.core.cache import cache

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


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    # The manifest storage of production needs `collectstatic`; tests render the admin and
    # the docs pages from the apps' own static folders instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
