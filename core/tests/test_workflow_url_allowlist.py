"""Workflow triggers go only to http(s) URLs whose host[:port] is in N8N_ALLOWED_HOSTS.

The send re-checks the allowlist: it may have shrunk since a URL was stored.
"""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from core.models import WorkflowRun
from core.testing import ok, trigger_failed
from core.testing_n8n import FakeN8n
from core.workflow_urls import check_n8n_settings, workflow_url_problem
from inspirations import services as inspiration_services


@pytest.mark.parametrize(
    ("url", "allowed", "problem"),
    [
        ("http://n8n:5678/webhook/x", ["n8n:5678"], None),
        ("HTTP://N8N:5678/webhook/x", ["n8n:5678"], None),
        ("https://n8n.example.com/webhook/x", ["n8n.example.com"], None),
        ("http://n8n.example.com/webhook/x", ["n8n.example.com"], None),
        ("http://n8n.example.com:443/webhook/x", ["n8n.example.com"], "n8n.example.com:443"),
        ("http://[::1]:5678/webhook/x", ["[::1]:5678"], None),
        ("http://n8n/webhook/x", ["n8n:5678"], "n8n:80"),
        ("http://n8n:8080/webhook/x", ["n8n:5678"], "n8n:8080"),
        ("http://10.0.0.5/", ["n8n:5678"], "10.0.0.5:80"),
        ("http://169.254.169.254/latest/meta-data/", [], "169.254.169.254:80"),
        ("http://[::1]:6379/", [], "[::1]:6379"),
        # The part before "@" is a user name: the host is the one after it.
        ("http://n8n:5678@10.0.0.5/", ["n8n:5678"], "10.0.0.5:80"),
    ],
)
def test_the_host_and_port_must_be_allowed(settings, url, allowed, problem):
    settings.N8N_ALLOWED_HOSTS = allowed
    expected = problem and f"Host {problem} is not in N8N_ALLOWED_HOSTS."
    assert workflow_url_problem(url) == expected


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("not a url", "Enter a valid URL."),
        ("n8n:5678/webhook/x", "Only http and https URLs are allowed."),
        ("ftp://n8n:5678/webhook/x", "Only http and https URLs are allowed."),
        ("file:///etc/passwd", "Only http and https URLs are allowed."),
        ("gopher://n8n:5678/_x", "Only http and https URLs are allowed."),
        ("http:///webhook/x", "Enter a valid URL."),
        ("http://n8n:99999/webhook/x", "Enter a valid URL."),
        ("http://[n8n/webhook/x", "Enter a valid URL."),
        # urllib3 (which sends) reads the host before the backslash, urllib after the "@".
        ("http://10.0.0.5\\@n8n:5678/", "Enter a valid URL."),
        ("http://n8n:5678/webhook/x y", "Enter a valid URL."),
        ("http://n8n:5678/webhook/\nx", "Enter a valid URL."),
    ],
)
def test_only_plain_http_urls_are_workflow_urls(settings, url, problem):
    settings.N8N_ALLOWED_HOSTS = ["n8n:5678"]
    assert workflow_url_problem(url) == problem


def test_the_default_allowlist_is_the_hosts_of_the_workflow_url_settings():
    # Set but empty, as in .env.example: the default.
    env = {
        **os.environ,
        "N8N_INSPIRATION_WORKFLOW_URL": "http://n8n:5678/webhook/inspiration",
        "N8N_TRANSFORM_WORKFLOW_URL": "",
        "N8N_EXECUTION_WORKFLOW_URL": "https://bot:pw@n8n.example.com/webhook/execution",
    }
    env["N8N_ALLOWED_HOSTS"] = ""
    code = "from shortsgen import settings; print(','.join(settings.N8N_ALLOWED_HOSTS))"
    output = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert output.strip() == "n8n:5678,n8n.example.com"


def test_the_system_check_flags_a_malformed_entry_and_a_setting_url_not_allowed(settings):
    settings.N8N_ALLOWED_HOSTS = ["n8n:5678/webhook"]
    [message] = check_n8n_settings()
    assert (message.id, message.msg) == (
        "core.E001",
        "N8N_ALLOWED_HOSTS: 'n8n:5678/webhook' is not a host or host:port entry.",
    )
    with pytest.raises(ImproperlyConfigured):
        workflow_url_problem("http://n8n:5678/webhook/x")

    settings.N8N_ALLOWED_HOSTS = ["n8n:5678"]
    settings.N8N_EXECUTION_WORKFLOW_URL = "http://other:5678/webhook/x"
    [message] = check_n8n_settings()
    assert (message.id, message.msg) == (
        "core.W001",
        "N8N_EXECUTION_WORKFLOW_URL: Host other:5678 is not in N8N_ALLOWED_HOSTS. "
        "Its triggers will fail.",
    )


@pytest.mark.django_db(transaction=True)
def test_a_url_removed_from_the_allowlist_after_it_was_stored_is_not_sent(
    api, may_set_workflow_urls, demo_types, settings
):
    n8n = FakeN8n()
    try:
        settings.N8N_ALLOWED_HOSTS = [f"127.0.0.1:{n8n.port}"]
        body = {"inspiration_workflow_url": n8n.url("/webhook/own")}
        ok(api.put("/api/project-types/video_generation", body, format="json"))
        idea = inspiration_services.inspiration_create(
            title="night city", project_type_code="video_generation"
        )

        settings.N8N_ALLOWED_HOSTS = ["n8n:5678"]
        data = trigger_failed(api.post(f"/api/inspirations/{idea.id}/regenerate"))
        assert data["workflow_run"]["error"] == (
            f"Not sent, the workflow URL is refused: "
            f"Host 127.0.0.1:{n8n.port} is not in N8N_ALLOWED_HOSTS."
        )
        assert data["status"] == "generating"
        assert n8n.requests == []
        run = WorkflowRun.objects.get()
        assert (run.state, run.http_status, run.attempts) == ("failed", None, 1)

        # Allowed again, the retry sends it.
        settings.N8N_ALLOWED_HOSTS = [f"127.0.0.1:{n8n.port}"]
        call_command("retry_workflow_runs", stdout=StringIO())
        run.refresh_from_db()
        assert (run.state, run.attempts) == ("succeeded", 2)
        assert [request["path"] for request in n8n.requests] == ["/webhook/own"]
    finally:
        n8n.stop()


@pytest.mark.django_db(transaction=True)
def test_a_setting_url_off_the_allowlist_is_not_sent_either(api, demo_types, settings):
    n8n = FakeN8n()
    try:
        settings.N8N_INSPIRATION_WORKFLOW_URL = n8n.url("/webhook/inspiration")
        settings.N8N_ALLOWED_HOSTS = []
        idea = inspiration_services.inspiration_create(
            title="night city", project_type_code="video_generation"
        )
        data = trigger_failed(api.post(f"/api/inspirations/{idea.id}/regenerate"))
        assert "is not in N8N_ALLOWED_HOSTS" in data["workflow_run"]["error"]
        assert n8n.requests == []
    finally:
        n8n.stop()
