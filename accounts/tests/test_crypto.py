import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from accounts.crypto import (
    CredentialsDecryptionError,
    decrypt_credentials,
    derive_key,
    encrypt_credentials,
)
from accounts.models import PlatformAccount
from core.testing import error

KEY_OLD = Fernet.generate_key().decode()
KEY_NEW = Fernet.generate_key().decode()


def test_round_trip_with_the_derived_development_key(settings):
    settings.CREDENTIALS_KEY = ""
    token = encrypt_credentials({"api_key": "k", "n": 1})
    assert decrypt_credentials(token) == {"api_key": "k", "n": 1}
    assert Fernet(derive_key(settings.SECRET_KEY)).decrypt(token.encode())


def test_derived_key_changes_with_the_secret_key(settings):
    settings.CREDENTIALS_KEY = ""
    token = encrypt_credentials({"api_key": "k"})
    settings.SECRET_KEY = "another-secret-key"
    with pytest.raises(CredentialsDecryptionError):
        decrypt_credentials(token)


def test_configured_key_encrypts(settings):
    settings.CREDENTIALS_KEY = KEY_NEW
    token = encrypt_credentials({"api_key": "k"})
    assert Fernet(KEY_NEW.encode()).decrypt(token.encode()) == b'{"api_key":"k"}'


def test_every_listed_key_decrypts_and_the_first_encrypts(settings):
    settings.CREDENTIALS_KEY = KEY_OLD
    old_token = encrypt_credentials({"api_key": "old"})
    settings.CREDENTIALS_KEY = f"{KEY_NEW}, {KEY_OLD}"
    assert decrypt_credentials(old_token) == {"api_key": "old"}
    new_token = encrypt_credentials({"api_key": "new"})
    assert Fernet(KEY_NEW.encode()).decrypt(new_token.encode())


def test_rotate_credentials_command_re_encrypts_with_the_first_key(settings, make_account, db):
    settings.CREDENTIALS_KEY = KEY_OLD
    account = make_account(credentials={"api_key": "rotate-me"})
    settings.CREDENTIALS_KEY = f"{KEY_NEW},{KEY_OLD}"
    out = io.StringIO()
    call_command("rotate_credentials", stdout=out)
    assert out.getvalue() == "Re-encrypted the credentials of 1 platform account(s).\n"
    settings.CREDENTIALS_KEY = KEY_NEW  # the old key is gone now
    account.refresh_from_db()
    assert decrypt_credentials(account.credentials_encrypted) == {"api_key": "rotate-me"}


def test_unknown_key_cannot_decrypt(settings):
    settings.CREDENTIALS_KEY = KEY_OLD
    token = encrypt_credentials({"api_key": "k"})
    settings.CREDENTIALS_KEY = KEY_NEW
    with pytest.raises(CredentialsDecryptionError):
        decrypt_credentials(token)


def test_tampered_token_is_refused(settings):
    settings.CREDENTIALS_KEY = KEY_OLD
    token = encrypt_credentials({"api_key": "k"})
    with pytest.raises(CredentialsDecryptionError):
        decrypt_credentials(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))


def test_empty_token_is_no_credentials():
    assert decrypt_credentials("") == {}


def test_malformed_key_is_a_configuration_error_that_does_not_show_the_key(settings):
    settings.CREDENTIALS_KEY = f"{KEY_NEW},not-a-fernet-key"
    with pytest.raises(ImproperlyConfigured) as excinfo:
        encrypt_credentials({})
    assert "key 2 of 2" in str(excinfo.value)
    assert "not-a-fernet-key" not in str(excinfo.value)
    assert KEY_NEW not in str(excinfo.value)


def test_system_check_reports_a_malformed_key(settings):
    from accounts.checks import check_credentials_key

    settings.CREDENTIALS_KEY = "short"
    [problem] = check_credentials_key(None)
    assert problem.id == "accounts.E001"
    settings.CREDENTIALS_KEY = KEY_NEW
    assert check_credentials_key(None) == []


def test_undecryptable_account_is_a_500_that_names_the_setting(api, settings, make_account):
    settings.CREDENTIALS_KEY = KEY_OLD
    account = make_account(credentials={"api_key": "lost"})
    settings.CREDENTIALS_KEY = KEY_NEW
    message = error(api.get(f"/api/platform-accounts/{account.id}"), 500)
    assert message == (
        f"Platform account {account.id}: Credentials cannot be decrypted with the configured "
        "SHORTSGEN_CREDENTIALS_KEY"
    )
    # The list shows no credentials, so it still works.
    assert api.get("/api/platform-accounts").status_code == 200
    assert PlatformAccount.objects.filter(id=account.id).exists()
