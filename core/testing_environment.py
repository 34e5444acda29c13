"""Django in a fresh process with the environment of a production host: settings are read
from the environment once, so each case of the deployment tests runs its own process."""

import json
import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production process: none of this machine's settings leak in."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "SHORTSGEN_", "N8N_", "DATABASE_"))
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "shortsgen.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "shortsgen.example.com",
        "SHORTSGEN_CREDENTIALS_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": "postgres://shortsgen:password@db.internal:5432/shortsgen",
        **extra,
    }


def run_in_project(
    command: list[str], env: dict[str, str], *, timeout: int = 120, check: bool = False
) -> subprocess.CompletedProcess:
    """A command run from the project's directory in `env`, its output captured as text."""
    return subprocess.run(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run_in_project(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env
    )


def database_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    """`manage.py check --database default`: the checks that connect, too."""
    return run_in_project([sys.executable, "manage.py", "check", "--database", "default"], env)


def settings_under(env: dict[str, str], *names: str) -> dict:
    script = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}, default=str))"
    )
    result = run_in_project([sys.executable, "-c", script], env, timeout=60, check=True)
    return json.loads(result.stdout)


def server_params(dbname: str) -> dict:
    """psycopg's connection parameters for a database of the tests' PostgreSQL server."""
    database = settings.DATABASES["default"]
    return {
        "host": database["HOST"] or "127.0.0.1",
        "port": database["PORT"] or 5432,
        "user": database["USER"],
        "password": database["PASSWORD"] or None,
        "dbname": dbname,
    }


def database_url(params: dict) -> str:
    """DATABASE_URL for `server_params(...)`: how a process a test starts finds that database."""
    password = f":{params['password']}" if params["password"] else ""
    return (
        f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/"
        f"{params['dbname']}"
    )
