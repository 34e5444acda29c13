"""While the database is unreachable every answer is a 503 that says so, never a 500 or HTML
under the API. The errors are raised where a dead database raises them; the real outage, with
a cluster stopped under gunicorn, is test_database_outage_live.py."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError

from core.testing import error


def unreachable(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


@pytest.mark.parametrize("exc", [OperationalError, InterfaceError])
def test_database_error_in_an_api_view_is_a_503_envelope(api, monkeypatch, exc):
    from projects import views

    def fail(*args, **kwargs):
        raise exc("connection already closed")

    monkeypatch.setattr(views.ProjectViewSet, "list", fail)
    response = api.get("/projects")
    assert error(response, 503) == "Database unavailable, try again shortly"
    assert response["Retry-After"] == "5"


def test_database_error_while_authenticating_is_a_503_envelope(api, monkeypatch):
    from core.authentication import ApiTokenAuthentication

    monkeypatch.setattr(ApiTokenAuthentication, "authenticate_credentials", unreachable)
    assert error(api.get("/api/tasks"), 503) == "Database unavailable, try again shortly"


def test_database_error_in_a_middleware_is_a_503_envelope_under_the_api(api, monkeypatch):
    from django.contrib.auth.middleware import AuthenticationMiddleware

    monkeypatch.setattr(AuthenticationMiddleware, "process_request", unreachable)
    api.raise_request_exception = False
    response = api.get("/api/assets")
    assert error(response, 503) == "Database unavailable, try again shortly"
    assert response["Retry-After"] == "5"


def test_database_error_in_the_admin_is_an_html_503(operator_api, monkeypatch):
    monkeypatch.setattr(SessionStore, "load", unreachable)
    operator_api.raise_request_exception = False
    response = operator_api.get("/admin/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
    assert b"Database unavailable" in response.content


def test_other_errors_outside_drf_stay_500(api, monkeypatch):
    from django.contrib.auth.middleware import AuthenticationMiddleware

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(AuthenticationMiddleware, "process_request", broken)
    api.raise_request_exception = False
    assert error(api.get("/api/assets"), 500) == "Internal Server Error"
