"""The credentials key at start-up: a deployment must set one, and a host whose keys do not
include the one the stored credentials were encrypted with refuses to start."""

import io
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.management import call_command

from accounts.checks import (
    check_credentials_key_is_set,
    check_credentials_key_matches_the_database,
)
from accounts.crypto import key_fingerprint, key_fingerprints
from accounts.models import CredentialsKeyFingerprint
from accounts.selectors import stored_credentials_key_fingerprint
from core.testing_environment import production_env

KEY_OLD = Fernet.generate_key().decode()
KEY_NEW = Fernet.generate_key().decode()


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def problems(databases=("default",)) -> list[str]:
    return [m.id for m in check_credentials_key_matches_the_database(None, databases=databases)]


def test_a_deployment_without_a_credentials_key_is_refused(settings):
    settings.DEBUG, settings.SECRET_KEY = False, secrets.token_urlsafe(50)
    settings.CREDENTIALS_KEY = ""
    assert [m.id for m in check_credentials_key_is_set(None)] == ["accounts.E002"]
    settings.CREDENTIALS_KEY = KEY_NEW
    assert check_credentials_key_is_set(None) == []


def test_debug_and_the_quick_start_keep_the_derived_key(settings):
    settings.CREDENTIALS_KEY = ""
    settings.DEBUG, settings.SECRET_KEY = True, secrets.token_urlsafe(50)
    assert check_credentials_key_is_set(None) == []
    # No DJANGO_SECRET_KEY: `make run`, `make test`; gunicorn refuses to serve like this.
    settings.DEBUG, settings.SECRET_KEY = False, settings.INSECURE_DEV_SECRET_KEY
    assert check_credentials_key_is_set(None) == []


def test_every_manage_py_command_of_a_deployment_without_a_key_fails():
    env = production_env()
    del env["SHORTSGEN_CREDENTIALS_KEY"]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "accounts.E002" in result.stderr


def test_a_fingerprint_names_a_key_and_gives_nothing_of_it_away(settings):
    settings.CREDENTIALS_KEY = f"{KEY_NEW},{KEY_OLD}"
    new, old = key_fingerprints()
    assert len(new) == 16 and int(new, 16) >= 0
    assert new != old
    assert new == key_fingerprint(KEY_NEW.encode())  # the same on every host
    assert new not in KEY_NEW and KEY_NEW[:16] != new


def test_storing_credentials_records_the_keys_fingerprint(settings, make_account):
    assert stored_credentials_key_fingerprint() is None
    settings.CREDENTIALS_KEY = KEY_OLD
    account = make_account()
    assert stored_credentials_key_fingerprint() == key_fingerprint(KEY_OLD.encode())
    settings.CREDENTIALS_KEY = f"{KEY_NEW},{KEY_OLD}"
    from accounts.services import account_update

    account_update(account=account, credentials={"api_key": "new"})
    assert stored_credentials_key_fingerprint() == key_fingerprint(KEY_NEW.encode())
    assert CredentialsKeyFingerprint.objects.count() == 1


def test_a_fresh_database_accepts_any_key(settings, db):
    settings.CREDENTIALS_KEY = KEY_NEW
    assert problems() == []


def test_a_host_with_another_key_is_refused_with_what_to_do(settings, make_account):
    settings.CREDENTIALS_KEY = KEY_OLD
    make_account()
    settings.CREDENTIALS_KEY = KEY_NEW
    [problem] = check_credentials_key_matches_the_database(None, databases=["default"])
    assert problem.id == "accounts.E003"
    assert key_fingerprint(KEY_OLD.encode()) in problem.msg
    assert "rotate_credentials" in problem.hint
    assert KEY_OLD not in problem.msg + problem.hint and KEY_NEW not in problem.msg


def test_rotation_moves_the_fingerprint_to_the_new_key(settings, make_account):
    settings.CREDENTIALS_KEY = KEY_OLD
    make_account()
    settings.CREDENTIALS_KEY = f"{KEY_NEW},{KEY_OLD}"  # hosts get the new key first
    assert problems() == []
    call_command("rotate_credentials", stdout=io.StringIO())
    assert stored_credentials_key_fingerprint() == key_fingerprint(KEY_NEW.encode())
    settings.CREDENTIALS_KEY = KEY_NEW  # the old key may go
    assert problems() == []
    settings.CREDENTIALS_KEY = KEY_OLD  # a host left behind
    assert problems() == ["accounts.E003"]


def test_the_check_runs_only_for_the_default_database(settings, make_account):
    settings.CREDENTIALS_KEY = KEY_OLD
    make_account()
    settings.CREDENTIALS_KEY = KEY_NEW
    assert problems(databases=["other"]) == []


@pytest.mark.django_db(transaction=True)
def test_the_check_passes_before_the_table_is_migrated(migrate_to, settings):
    migrate_to([("accounts", "0002_quota_day_and_unique_name")])
    settings.CREDENTIALS_KEY = KEY_NEW
    assert stored_credentials_key_fingerprint() is None
    assert problems() == []


@pytest.fixture
def database_of_another_key(tmp_path) -> dict[str, str]:
    """A migrated SQLite database whose credentials were stored with KEY_OLD; the
    environment of a production host pointed at it, with KEY_NEW."""
    path = tmp_path / "shortsgen.sqlite3"
    env = production_env(DATABASE_URL=f"sqlite:///{path}", SHORTSGEN_CREDENTIALS_KEY=KEY_OLD)
    assert manage(env, "migrate_locked", "--noinput").returncode == 0
    with sqlite3.connect(path) as database:
        database.execute(
            "INSERT INTO accounts_credentialskeyfingerprint (id, fingerprint, recorded_at) "
            "VALUES (1, ?, '2026-01-01 00:00:00')",
            [key_fingerprint(KEY_OLD.encode())],
        )
    return {**env, "SHORTSGEN_CREDENTIALS_KEY": KEY_NEW}


def test_migrate_refuses_on_a_host_with_another_key(database_of_another_key):
    result = manage(database_of_another_key, "migrate_locked", "--noinput")
    assert result.returncode != 0
    assert "accounts.E003" in result.stderr


def test_gunicorn_refuses_to_start_on_a_host_with_another_key(database_of_another_key):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [str(gunicorn), "shortsgen.wsgi", "--bind", "127.0.0.1:0", "--no-control-socket"],
        cwd=django_settings.BASE_DIR,
        env=database_of_another_key,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "accounts.E003" in result.stderr
    assert KEY_NEW not in result.stderr and KEY_OLD not in result.stderr
