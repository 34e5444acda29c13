import pytest

from core.testing import token_client


@pytest.fixture
def api(db):
    """An API client that sends a valid token."""
    return token_client()


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
