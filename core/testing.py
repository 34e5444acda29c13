"""Helpers shared by every app's tests: an authenticated client and envelope assertions."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def make_token(name: str = "test-client") -> str:
    user, _ = get_user_model().objects.get_or_create(username=name)
    return Token.objects.get_or_create(user=user)[0].key


def grant(username: str, *permissions: str) -> None:
    """Give the user (created if need be) these permissions, each "app_label.codename"."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def token_client(name: str = "test-client") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(name)}")
    return client


def ok(response, status: int = 200):
    """Assert a success envelope with this HTTP status; return its data."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == 0, body
    assert body["msg"] == "success", body
    return body["data"]


def trigger_failed(response):
    """Assert the answer to a change whose n8n trigger failed (HTTP 200, code -1); its data."""
    assert response.status_code == 200, (response.status_code, response.content[:500])
    body = response.json()
    assert body["code"] == -1, body
    assert body["msg"].startswith("Saved, but the n8n workflow was not triggered: "), body
    assert body["data"]["workflow_run"]["state"] == "failed", body
    return body["data"]


def error(response, status: int) -> str:
    """Assert an error envelope whose code is the HTTP status; return its message."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == status, body
    assert isinstance(body["msg"], str) and body["msg"], body
    return body["msg"]
