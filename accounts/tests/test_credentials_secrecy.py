"""Credential values never leave the database in clear, and never enter it in clear."""

from django.db import connection

from accounts.crypto import decrypt_credentials
from accounts.models import PlatformAccount
from accounts.testing import EXAMPLE_ACCOUNT, SECRETS
from core.testing import error, ok

NEW_SECRETS = ["rotated-key-0a1b2c", "rotated-secret-3d4e5f"]


def assert_no_secret(response, secrets=SECRETS + NEW_SECRETS):
    for secret in secrets:
        assert secret.encode() not in response.content, (secret, response.content[:300])


def raw_row(account_id: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_platformaccount WHERE id = %s", [account_id])
        return cursor.fetchone()


def test_no_response_of_any_endpoint_contains_a_credential(api):
    responses = []
    created = api.post("/api/platform-accounts", EXAMPLE_ACCOUNT, format="json")
    responses.append(created)
    account_id = ok(created, 201)["id"]
    base = f"/api/platform-accounts/{account_id}"
    responses += [
        api.get("/api/platform-accounts"),
        api.get("/api/platform-accounts?platform=dreamina&status=active"),
        api.get(base),
        api.get("/api/platform-accounts/available/dreamina"),
        api.get("/api/platform-accounts/platforms/list"),
        api.post(f"{base}/reset-usage", {"used_today": 1}, format="json"),
        api.put(base, {"name": "renamed"}, format="json"),
        api.put(
            base,
            {"credentials": {"api_key": NEW_SECRETS[0], "secret": NEW_SECRETS[1]}},
            format="json",
        ),
        api.get(base),
        api.get("/api/schema/", HTTP_ACCEPT="application/json"),
    ]
    for response in responses:
        assert response.status_code in (200, 201), response.content[:300]
        assert_no_secret(response)
    final = api.delete(base)
    ok(final)
    assert_no_secret(final)


def test_refused_requests_do_not_echo_credentials(api, make_account):
    bad_create = {**EXAMPLE_ACCOUNT, "daily_limit": -1}
    response = api.post("/api/platform-accounts", bad_create, format="json")
    error(response, 400)
    assert_no_secret(response)

    account = make_account(name="x")
    taken = make_account(name="taken")
    body = {"name": taken.name, "credentials": {"api_key": NEW_SECRETS[0]}}
    response = api.put(f"/api/platform-accounts/{account.id}", body, format="json")
    error(response, 400)
    assert_no_secret(response)

    body = {"credentials": [NEW_SECRETS[0]]}
    response = api.put(f"/api/platform-accounts/{account.id}", body, format="json")
    error(response, 400)
    assert_no_secret(response)


def test_the_database_holds_no_plaintext(api):
    account_id = ok(api.post("/api/platform-accounts", EXAMPLE_ACCOUNT, format="json"), 201)["id"]
    row = " ".join(str(value) for value in raw_row(account_id))
    for secret in SECRETS:
        assert secret not in row
    # Not even the credential names are readable: the whole object is one token.
    assert "api_key" not in row

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT credentials_encrypted FROM accounts_platformaccount WHERE id = %s",
            [account_id],
        )
        [token] = cursor.fetchone()
    assert token.startswith("gAAAAA")  # a Fernet token (version byte 0x80)
    assert decrypt_credentials(token) == EXAMPLE_ACCOUNT["credentials"]


def test_updated_credentials_are_stored_encrypted_too(api, make_account):
    account = make_account()
    body = {"credentials": {"api_key": NEW_SECRETS[0]}}
    ok(api.put(f"/api/platform-accounts/{account.id}", body, format="json"))
    row = " ".join(str(value) for value in raw_row(account.id))
    assert NEW_SECRETS[0] not in row
    assert decrypt_credentials(
        PlatformAccount.objects.get(id=account.id).credentials_encrypted
    ) == {"api_key": NEW_SECRETS[0]}


def test_the_same_credentials_encrypt_differently_each_time(make_account):
    first = make_account(credentials={"api_key": "same"})
    second = make_account(credentials={"api_key": "same"})
    assert first.credentials_encrypted != second.credentials_encrypted
