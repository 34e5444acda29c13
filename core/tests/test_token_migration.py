"""Tokens made before roles keep working: the migration turns each into a digest."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from knox.crypto import hash_token

from core.testing import ok

BEFORE = [("core", "0002_api_clients"), ("authtoken", "0004_alter_tokenproxy_options")]
AFTER = [("core", "0003_roles_and_hashed_tokens")]
OLD_KEY = "0123456789abcdef0123456789abcdef01234567"  # what DRF's tokens looked like


@pytest.mark.django_db(transaction=True)
def test_an_old_clear_token_becomes_a_digest_of_a_client(migrate_to, anon):
    old = migrate_to(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="legacy-front-end")
    old.get_model("authtoken", "Token").objects.create(key=OLD_KEY, user=user)

    new = migrate_to(AFTER)
    assert not new.get_model("authtoken", "Token").objects.exists()
    [stored] = new.get_model("knox", "AuthToken").objects.all()
    assert stored.digest == hash_token(OLD_KEY)
    assert new.get_model("core", "ApiClient").objects.get(user_id=user.id).role == "client"

    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
    anon.credentials(HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert ok(anon.get("/projects")) == []


@pytest.mark.django_db(transaction=True)
def test_the_console_groups_exist_with_their_permissions(migrate_to):
    from django.contrib.auth.models import Group

    operator = set(
        Group.objects.get(name="operator").permissions.values_list("codename", flat=True)
    )
    viewer = set(Group.objects.get(name="viewer").permissions.values_list("codename", flat=True))
    assert {
        "change_task",
        "add_inspiration",
        "view_platformaccount",
        "change_apiclient",
    } <= operator
    assert {"view_task", "view_inspiration", "view_workflowrun"} <= viewer
    assert all(codename.startswith("view_") for codename in viewer)
