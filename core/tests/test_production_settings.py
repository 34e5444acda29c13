"""Production posture: `check --deploy` is clean with production's environment, HTTPS settings
follow DJANGO_HTTPS, the database connect timeout is set. Each case runs Django in a fresh
process, since settings are read from the environment once."""

import subprocess

import pytest

from core.testing import ok
from core.testing_environment import deploy_check, production_env, settings_under


@pytest.mark.parametrize(
    "https_env",
    [
        pytest.param(
            {
                "DJANGO_HTTPS": "true",
                "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "true",
                "DJANGO_HSTS_PRELOAD": "true",
            },
            id="tls-ends-at-gunicorn",
        ),
        pytest.param(
            {
                "DJANGO_HTTPS": "true",
                "DJANGO_BEHIND_TLS_PROXY": "true",
                "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "true",
                # The proxy redirects http:// itself; the domain is not on the preload list.
                "DJANGO_SSL_REDIRECT": "false",
                "DJANGO_SILENCED_SYSTEM_CHECKS": "security.W008,security.W021",
            },
            id="tls-ends-at-a-redirecting-proxy",
        ),
    ],
)
def test_deploy_check_is_clean_with_the_production_environment(https_env):
    result = deploy_check(production_env(**https_env))
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout, result.stdout


def test_deploy_check_warns_without_https_settings():
    result = deploy_check(production_env())
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def test_https_turns_on_redirect_secure_cookies_and_hsts():
    names = (
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
    )
    assert settings_under(production_env(DJANGO_HTTPS="true"), *names) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    assert settings_under(production_env(), *names) == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_postgresql_connections_time_out_as_configured():
    env = production_env(DATABASE_CONNECT_TIMEOUT="7")
    options = settings_under(env, "DATABASES")["DATABASES"]["default"]["OPTIONS"]
    assert options["connect_timeout"] == 7
    env["DATABASE_CONNECT_TIMEOUT"] = "0"
    with pytest.raises(subprocess.CalledProcessError) as failure:
        settings_under(env, "DATABASES")
    assert "DATABASE_CONNECT_TIMEOUT must be at least 1 second" in failure.value.stderr


def test_without_prepared_statements_nothing_a_pooler_refuses_is_sent():
    prepared = settings_under(production_env(), "DATABASES")["DATABASES"]["default"]
    assert prepared["OPTIONS"] == {
        "connect_timeout": 5,
        "prepare_threshold": 0,
        "options": " -c plan_cache_mode=force_generic_plan -c TimeZone=UTC",
    }
    env = production_env(DATABASE_PREPARED_STATEMENTS="false")
    pooled = settings_under(env, "DATABASES")["DATABASES"]["default"]
    # No startup option (PgBouncer 1.18 refuses `options`), psycopg's default of preparing
    # nothing, and no cursor held across transactions.
    assert pooled["OPTIONS"] == {"connect_timeout": 5}
    assert pooled["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_health_probes_are_not_redirected_to_https(anon, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert ok(anon.get("/healthz")) == {"status": "ok"}
    assert ok(anon.get("/readyz")) == {"status": "ok", "database": "ok"}
    response = anon.get("/projects")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/projects"
