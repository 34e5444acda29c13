"""core.E005: DATABASE_PREPARED_STATEMENTS on while the connection goes through a pooler that
drops or refuses the startup options (PgBouncer 1.18 in transaction mode, started by the test).
Each case runs `manage.py check --database default` in a process of its own."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.testing_environment import database_check, production_env

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
    ),
    pytest.mark.django_db(transaction=True),
]


def _check(url: str, prepared: str) -> tuple[int, str]:
    result = database_check(production_env(DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS=prepared))
    return result.returncode, result.stderr + result.stdout


def test_it_reports_a_pooler_that_dropped_the_startup_options(pgbouncer):
    bouncer = pgbouncer(ignore_startup_parameters=("extra_float_digits", "options"))
    returncode, output = _check(bouncer.url, "true")
    assert returncode != 0
    assert "core.E005" in output
    assert "plan_cache_mode is 'auto'" in output
    assert "DATABASE_PREPARED_STATEMENTS=false" in output


def test_gunicorn_refuses_to_start_behind_it(pgbouncer):
    bouncer = pgbouncer(ignore_startup_parameters=("extra_float_digits", "options"))
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    result = subprocess.run(
        [gunicorn, "shortsgen.wsgi", "--bind", "127.0.0.1:0", "--no-control-socket"],
        cwd=settings.BASE_DIR,
        env=production_env(DATABASE_URL=bouncer.url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "core.E005" in result.stderr


def test_it_reports_a_pooler_that_refused_the_startup_options(pgbouncer):
    bouncer = pgbouncer()
    returncode, output = _check(bouncer.url, "true")
    assert returncode != 0
    assert "core.E005" in output
    assert "unsupported startup parameter: options" in output


def test_it_is_quiet_without_prepared_statements_behind_the_pooler(pgbouncer):
    bouncer = pgbouncer()
    returncode, output = _check(bouncer.url, "false")
    assert returncode == 0, output
    assert "System check identified no issues" in output


def test_it_is_quiet_with_prepared_statements_on_a_direct_connection():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    returncode, output = _check(url, "true")
    assert returncode == 0, output
    assert "System check identified no issues" in output
