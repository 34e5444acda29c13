"""Helpers shared by every app's tests: an authenticated client and envelope assertions."""

import gc
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.models import ApiClient
from core.roles import OPERATOR_GROUP, VIEWER_GROUP, Role
from core.services import api_client_create, api_client_set_role


def make_token(name: str = "test-client", role: str = Role.CLIENT) -> str:
    """A new token of the API client NAME with this role (created, or given the role)."""
    client = ApiClient.objects.select_related("user").filter(user__username=name).first()
    if client is None:
        return api_client_create(name=name, role=role)[1]
    if client.role != role:
        api_client_set_role(client=client, role=role)
    return AuthToken.objects.create(user=client.user, expiry=None)[1]


def grant(username: str, *permissions: str) -> None:
    """Give the user (created if need be) these permissions, each "app_label.codename"."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def token_client(name: str = "test-client", role: str = Role.CLIENT) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(name, role)}")
    return client


def make_person(username: str, role: str | None):
    """A person of the console: an operator, a viewer, or (None) in no group."""
    user, _ = get_user_model().objects.get_or_create(username=username, is_staff=True)
    groups = {Role.OPERATOR: OPERATOR_GROUP, Role.VIEWER: VIEWER_GROUP}
    if role is not None:
        user.groups.add(Group.objects.get(name=groups[role]))
    return user


def session_client(username: str, role: str | None) -> APIClient:
    """An API client signed in as a person of the console (session and CSRF as a browser)."""
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(make_person(username, role))
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


def console_messages(response) -> list[tuple[str, str]]:
    """The console's messages on a page, as (level, HTML) pairs: ("success", "Task <a …")."""
    import re

    listing = re.search(r'<ul class="messagelist">(.*?)</ul>', response.content.decode(), re.S)
    if listing is None:
        return []
    return re.findall(r'<li class="(\w+)">(.*?)</li>', listing.group(1), re.S)


def assert_utc_timestamp(value: str) -> None:
    """The API's timestamps are ISO 8601 in UTC."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert parsed.utcoffset() == timedelta(0), value


def collect_garbage_first() -> None:
    """Before a test drives the parser to Python's recursion limit: garbage earlier tests left
    (sessions, executors, connections) would otherwise be collected at the bottom of that
    deep stack, where its finalizers fail with RecursionError, which pytest reports as the
    test's failure."""
    gc.collect()
