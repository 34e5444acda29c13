"""docs/roles.md says which role may call which endpoint; every route is walked with every
role and the answers compared with that table (refused where it has no ✓, never 401 or 403
where it has one)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

from core.roles import Role
from core.testing import session_client, token_client

TABLE_ROW = re.compile(r"^\| (GET|POST|PUT|PATCH|DELETE) \| (\S+) \|(.*)\|$")
ROLES = ["client", "worker", "n8n", "operator", "viewer"]
# Path parameters of objects that do not exist: an allowed call answers 404 (or 400 for
# an empty body), a refused one 403 before anything is looked up.
PARAMETERS = {
    "{id}": "999999",
    "{code}": "no-such-type",
    "{target_id}": "999999",
    "{task_id}": "999999",
    "{file_hash}": "0" * 64,
    "{asset_type}": "video",
    "{platform}": "dreamina",
}


def documented_table() -> dict[tuple[str, str], set[str]]:
    rows = {}
    for line in (Path(settings.BASE_DIR) / "docs" / "roles.md").read_text().splitlines():
        match = TABLE_ROW.match(line)
        if match:
            method, path, cells = match.groups()
            marks = [cell.strip() for cell in cells.split("|")]
            rows[(method, path)] = {role for role, mark in zip(ROLES, marks, strict=True) if mark}
    return rows


def schema_routes() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), path.rstrip("/"))
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
        and not path.startswith("/api/projects")
    }


def callers():
    return {
        Role.CLIENT: token_client("walk-client", Role.CLIENT),
        Role.WORKER: token_client("walk-worker", Role.WORKER),
        Role.N8N: token_client("walk-n8n", Role.N8N),
        Role.OPERATOR: session_client("walk-operator", Role.OPERATOR),
        Role.VIEWER: session_client("walk-viewer", Role.VIEWER),
    }


def concrete(path: str) -> str:
    for name, value in PARAMETERS.items():
        path = path.replace(name, value)
    return path


def test_the_table_lists_every_route_of_the_schema_and_no_other(db):
    assert set(documented_table()) == schema_routes()


@pytest.mark.django_db
def test_every_route_answers_every_role_as_the_table_says():
    clients = callers()
    mismatches = []
    for (method, path), allowed in sorted(documented_table().items()):
        urls = [concrete(path)]
        if path.startswith("/projects"):
            urls.append("/api" + urls[0])
        for role, client in clients.items():
            for url in urls:
                response = getattr(client, method.lower())(url, {}, format="json")
                refused = response.status_code in (401, 403)
                if refused == (role in allowed):
                    mismatches.append((method, url, role, response.status_code))
                if refused:
                    # 401 only where the role's way in is no way in at all (a console
                    # session at the webhooks, which take tokens and signatures only).
                    assert response.status_code == 403 or path.startswith("/api/webhooks")
                    assert response.json()["code"] == response.status_code
    assert mismatches == []


@pytest.mark.django_db
def test_a_person_in_no_group_gets_nothing(db):
    nobody = session_client("walk-nobody", None)
    assert nobody.get("/projects").status_code == 403
    assert nobody.get("/api/tasks").status_code == 403


@pytest.mark.django_db
def test_a_token_of_a_person_opens_nothing(anon, django_user_model):
    from knox.models import AuthToken

    person = django_user_model.objects.create_user("carol", password="long-enough-pw-1")
    _, token = AuthToken.objects.create(user=person, expiry=None)
    anon.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anon.get("/projects").status_code == 403
