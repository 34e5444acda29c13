"""Settings for several hosts behind a load balancer: allowed hosts, the public URL n8n calls
back, the proxies gunicorn trusts, and gunicorn finding its configuration without `-c`."""

import sys
from pathlib import Path

import pytest

from core.public_url import check_public_url, is_loopback_url
from core.testing_environment import deploy_check, production_env, run_in_project, settings_under

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
WORKFLOW = "https://n8n.example.com/webhook/execute"


def gunicorn_config(env: dict[str, str], *args: str) -> dict[str, str]:
    """gunicorn's settings as it would serve from the project's directory (`--print-config`)."""
    command = [GUNICORN, *args, "--print-config", "shortsgen.wsgi"]
    result = run_in_project(command, env, timeout=60, check=True)
    lines = (line.partition("=") for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, _, value in lines}


def test_allowed_hosts_are_a_comma_separated_list():
    env = production_env(DJANGO_ALLOWED_HOSTS="shortsgen.example.com, 10.0.0.12 ,")
    assert settings_under(env, "ALLOWED_HOSTS") == {
        "ALLOWED_HOSTS": ["shortsgen.example.com", "10.0.0.12"]
    }


def test_gunicorn_without_a_config_option_reads_shortsgens_config():
    env = production_env()
    found = gunicorn_config(env)
    named = gunicorn_config(env, "-c", "shortsgen/gunicorn.conf.py")
    assert found.pop("config") == "./gunicorn.conf.py"
    assert named.pop("config") == "shortsgen/gunicorn.conf.py"
    assert found == named
    # ShortsGen's values, not gunicorn's defaults (0 and 4094).
    assert (found["max_requests"], found["limit_request_line"]) == ("10000", "0")


def test_gunicorn_trusts_forwarded_headers_from_the_configured_proxies():
    env = production_env(GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.0/8, 192.168.1.10")
    assert gunicorn_config(env)["forwarded_allow_ips"] == "['10.0.0.0/8', '192.168.1.10']"
    env.pop("GUNICORN_FORWARDED_ALLOW_IPS")
    assert gunicorn_config(env)["forwarded_allow_ips"] == "['127.0.0.1', '::1']"


def test_django_trusts_x_forwarded_proto_only_behind_a_tls_proxy():
    env = production_env(DJANGO_BEHIND_TLS_PROXY="true")
    assert settings_under(env, "SECURE_PROXY_SSL_HEADER") == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]
    }
    env.pop("DJANGO_BEHIND_TLS_PROXY")
    assert settings_under(env, "SECURE_PROXY_SSL_HEADER") == {"SECURE_PROXY_SSL_HEADER": None}


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://localhost:8000", True),
        ("http://LOCALHOST.:8000", True),
        ("http://api.localhost", True),
        ("http://127.0.0.1:8000", True),
        ("http://127.1.2.3", True),
        ("http://[::1]:8000", True),
        ("http://0.0.0.0:8000", True),
        ("https://shortsgen.example.com", False),
        ("http://10.0.0.12:8000", False),
        ("http://localhost-proxy.internal", False),
    ],
)
def test_loopback_urls_are_recognised(url, loopback):
    assert is_loopback_url(url) is loopback


def test_a_localhost_public_url_is_flagged_when_workflows_are_configured(settings):
    settings.DEBUG = False
    settings.N8N_ALLOWED_HOSTS = ["n8n.example.com"]
    settings.SHORTSGEN_PUBLIC_URL = "http://localhost:8000"
    assert [message.id for message in check_public_url()] == ["core.W002"]
    settings.SHORTSGEN_PUBLIC_URL = "https://shortsgen.example.com"
    assert check_public_url() == []


def test_a_localhost_public_url_is_fine_without_workflows_or_in_debug(settings):
    settings.SHORTSGEN_PUBLIC_URL = "http://localhost:8000"
    settings.DEBUG, settings.N8N_ALLOWED_HOSTS = False, []
    assert check_public_url() == []
    settings.DEBUG, settings.N8N_ALLOWED_HOSTS = True, ["n8n.example.com"]
    assert check_public_url() == []


def test_the_deploy_check_names_the_public_url_left_at_localhost():
    env = production_env(
        DJANGO_HTTPS="true",
        N8N_EXECUTION_WORKFLOW_URL=WORKFLOW,
        N8N_TRIGGER_SECRET="trigger-secret",
    )
    result = deploy_check(env)
    assert "core.W002" in result.stderr
    assert "SHORTSGEN_PUBLIC_URL is http://localhost:8000" in result.stderr
    env["SHORTSGEN_PUBLIC_URL"] = "https://shortsgen.example.com"
    result = deploy_check(env)
    assert "core.W002" not in result.stderr + result.stdout
