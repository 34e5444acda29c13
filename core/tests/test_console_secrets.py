"""Nothing in the console shows a credential or a usable API token, and a dump of the whole
database holds nothing that authenticates."""

import json
import re
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.crypto import fingerprint_credentials
from core.sessions import stored_key
from core.tests.console_factory import LONG_SECRET, SHORT_SECRET, console_factory

# Anything a token could be: a run of token characters at least 16 long.
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-+/=.:]{16,}")


@pytest.fixture
def factory(db):
    return console_factory()


@pytest.fixture
def console(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.com", "pw"))
    return client


def every_console_page(console):
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username="root")
    yield reverse("admin:index")
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{prefix}_changelist")
        if hasattr(model, "deleted_at"):
            yield reverse(f"{prefix}_changelist") + "?deleted=all"
        if model_admin.has_add_permission(request):
            yield reverse(f"{prefix}_add")
        for pk in model_admin.get_queryset(request).values_list("pk", flat=True):
            yield reverse(f"{prefix}_change", args=[pk])
            yield reverse(f"{prefix}_history", args=[pk])


def test_no_console_page_shows_a_credential_or_a_token(console, factory):
    digests = list(AuthToken.objects.values_list("digest", flat=True))
    assert factory.tokens and factory.credential_values and digests
    pages = 0
    for path in every_console_page(console):
        response = console.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        for secret in [*factory.credential_values, *factory.tokens, *digests]:
            assert secret not in html, (path, secret[:6])
        pages += 1
    assert pages > 40


def test_stored_credentials_are_shown_as_a_fingerprint(console, factory):
    account = factory.rows["account"]
    html = console.get(reverse("admin:accounts_platformaccount_change", args=[account.pk]))
    html = html.content.decode()
    assert f"api_key …{LONG_SECRET[-4:]}" in html
    assert "password ***masked***" in html
    assert SHORT_SECRET[-4:] not in html


def test_a_fingerprint_shows_the_last_4_characters_of_long_values_only():
    assert fingerprint_credentials(
        {"api_key": "abcdefgh1234", "pin": "abcdefgh123", "n": 123456789012345}
    ) == {"api_key": "…1234", "pin": "***masked***", "n": "***masked***"}


def test_a_database_dump_holds_nothing_that_authenticates(factory, console):
    session_cookie = console.cookies["sessionid"].value
    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    text = dump.getvalue()
    for secret in [*factory.credential_values, *factory.tokens, session_cookie]:
        assert secret not in text
    assert '"model": "sessions.session"' in text
    candidates = set()
    for row in json.loads(text):
        for value in row["fields"].values():
            candidates.update(TOKEN_LIKE.findall(json.dumps(value)))
    assert len(candidates) > 10
    api = APIClient()
    # The probe works: a real token passes.
    api.credentials(HTTP_AUTHORIZATION=f"Token {factory.tokens[0]}")
    assert api.get("/api/tasks/types").status_code == 200
    browser = Client()
    browser.cookies["sessionid"] = session_cookie
    assert browser.get("/admin/").status_code == 200
    for candidate in sorted(candidates):
        api.credentials(HTTP_AUTHORIZATION=f"Token {candidate}")
        assert api.get("/api/tasks/types").status_code in (401, 403), candidate[:8]
        browser = Client()
        browser.cookies["sessionid"] = candidate
        assert browser.get("/admin/").status_code == 302, candidate[:8]  # to the login page


def test_a_session_row_holds_a_hash_of_the_cookie_not_the_cookie(console):
    cookie = console.cookies["sessionid"].value
    [row] = Session.objects.all()
    assert row.session_key == stored_key(cookie) != cookie
    assert console.get("/admin/").status_code == 200
    console.logout()
    assert not Session.objects.exists()
