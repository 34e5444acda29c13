"""Triggers authenticate themselves to n8n: a secret header for n8n's Header Auth and an HMAC
signature in the inbound webhooks' canonical form (against a real HTTP server on loopback)."""

import json
import logging
import time

import pytest
from django.core import checks

from core.models import WorkflowRun
from core.signatures import signature
from core.testing import ok
from core.workflow_urls import check_n8n_trigger_secret
from inspirations import services as inspiration_services

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "trigger-secret-new"
OLD_SECRET = "trigger-secret-old"


@pytest.fixture
def n8n(n8n, settings):
    settings.N8N_TRIGGER_SECRETS = [SECRET, OLD_SECRET]
    return n8n


@pytest.fixture
def idea(demo_types):
    return inspiration_services.inspiration_create(
        title="night city", project_type_code="video_generation", parameters={"style": "noir"}
    )


def test_a_trigger_carries_the_first_secret_and_a_signature_over_path_and_raw_body(
    api, n8n, idea, caplog
):
    caplog.set_level(logging.DEBUG)
    before = int(time.time())
    ok(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    [request] = n8n.requests
    headers = request["headers"]
    run = WorkflowRun.objects.get()
    assert headers["X-ShortsGen-Run-Id"] == str(run.id)
    assert headers["X-ShortsGen-Trigger-Token"] == SECRET
    timestamp = headers["X-ShortsGen-Timestamp"]
    assert before <= int(timestamp) <= time.time()
    expected = signature(SECRET, timestamp, "POST", "/webhook/inspiration", request["body"])
    assert headers["X-ShortsGen-Signature"] == expected
    # The body is the run's payload, byte for byte what was signed.
    assert json.loads(request["body"]) == run.payload
    # The secret is neither stored nor logged.
    assert SECRET not in json.dumps(run.payload)
    assert SECRET not in caplog.text
    assert OLD_SECRET not in caplog.text


def test_the_signature_covers_the_query_string(api, n8n, idea, demo_types):
    demo_types["video_generation"].inspiration_workflow_url = n8n.url("/webhook/own?x=1")
    demo_types["video_generation"].save()
    ok(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    [request] = n8n.requests
    timestamp = request["headers"]["X-ShortsGen-Timestamp"]
    expected = signature(SECRET, timestamp, "POST", "/webhook/own?x=1", request["body"])
    assert request["headers"]["X-ShortsGen-Signature"] == expected


def test_without_a_trigger_secret_triggers_go_out_without_the_headers(api, n8n, idea, settings):
    settings.N8N_TRIGGER_SECRETS = []
    ok(api.post(f"/api/inspirations/{idea.id}/regenerate"))
    headers = n8n.requests[0]["headers"]
    assert "X-ShortsGen-Run-Id" in headers
    for name in ("X-ShortsGen-Trigger-Token", "X-ShortsGen-Timestamp", "X-ShortsGen-Signature"):
        assert name not in headers


def test_production_without_a_trigger_secret_fails_the_deploy_check(settings):
    settings.DEBUG = False
    settings.N8N_TRIGGER_SECRETS = []
    settings.N8N_INSPIRATION_WORKFLOW_URL = "http://n8n:5678/webhook/shortsgen-inspiration"
    [error] = check_n8n_trigger_secret()
    assert (error.level, error.id) == (checks.ERROR, "core.E004")
    assert "core.E004" in {
        m.id for m in checks.run_checks(include_deployment_checks=True, tags=["security"])
    }

    settings.N8N_TRIGGER_SECRETS = [SECRET]
    assert check_n8n_trigger_secret() == []
    # In development (DEBUG) and without workflows, no error.
    settings.N8N_TRIGGER_SECRETS = []
    settings.DEBUG = True
    assert check_n8n_trigger_secret() == []
    settings.DEBUG = False
    settings.N8N_INSPIRATION_WORKFLOW_URL = ""
    settings.N8N_TRANSFORM_WORKFLOW_URL = ""
    settings.N8N_EXECUTION_WORKFLOW_URL = ""
    assert check_n8n_trigger_secret() == []
