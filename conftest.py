import pytest

from core.testing import token_client


@pytest.fixture
def api(db):
    """An API client that sends a valid token."""
    return token_client()


@pytest.fixture
def anon(db):
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def demo_types(db):
    from projects.demo import load_demo_project_types

    return {t.code: t for t in load_demo_project_types()}
