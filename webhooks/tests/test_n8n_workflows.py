"""The importable workflows in n8n/ are well-formed and call ShortsGen back as documented."""

import itertools
import json
from pathlib import Path

import pytest
from django.conf import settings

WORKFLOW_IDS = {
    "inspiration": "sgwInspiration01",
    "transform": "sgwTransform0001",
    "execution": "sgwExecution0001",
}
ENDPOINTS = {
    "inspiration": {"inspiration"},
    "transform": {"project_creation"},
    "execution": {"project_execution", "task_update"},
}
CALLBACK_PREFIX = "={{ $('ShortsGen config').first().json.shortsgenBaseUrl }}/api/webhooks/n8n/"


def load(name):
    return json.loads((Path(settings.BASE_DIR) / "n8n" / f"{name}.workflow.json").read_text())


def nodes_of(workflow, kind):
    return [node for node in workflow["nodes"] if node["type"] == f"n8n-nodes-base.{kind}"]


def test_each_workflow_has_its_own_fixed_id():
    assert {name: load(name)["id"] for name in WORKFLOW_IDS} == WORKFLOW_IDS


@pytest.mark.parametrize("name", WORKFLOW_IDS)
def test_the_trigger_checks_shortsgens_secret_with_header_auth(name):
    [trigger] = nodes_of(load(name), "webhook")
    assert trigger["parameters"]["authentication"] == "headerAuth"
    assert trigger["credentials"]["httpHeaderAuth"]["name"] == "ShortsGen trigger"


@pytest.mark.parametrize("name", WORKFLOW_IDS)
def test_no_node_reads_a_url_from_the_trigger_or_the_environment(name):
    text = json.dumps(load(name))
    assert "callbackUrl" not in text
    assert "$env" not in text


@pytest.mark.parametrize("name", WORKFLOW_IDS)
def test_every_callback_goes_to_the_configured_base_url_with_the_token_and_retries(name):
    callbacks = nodes_of(load(name), "httpRequest")
    assert callbacks
    endpoints = set()
    for node in callbacks:
        parameters = node["parameters"]
        assert parameters["method"] == "POST"
        assert parameters["url"].startswith(CALLBACK_PREFIX), node["name"]
        endpoints.add(parameters["url"].removeprefix(CALLBACK_PREFIX).split("/")[0])
        assert parameters["authentication"] == "genericCredentialType"
        assert parameters["genericAuthType"] == "httpHeaderAuth"
        assert node["credentials"]["httpHeaderAuth"]["name"] == "ShortsGen API token"
        assert "headerParameters" not in parameters
        # Node-level retries: the node's own `options.retry` does not exist.
        assert (node["retryOnFail"], node["maxTries"], node["waitBetweenTries"]) == (True, 5, 2000)
        assert "retry" not in parameters["options"]
    assert endpoints == ENDPOINTS[name]


@pytest.mark.parametrize("name", WORKFLOW_IDS)
def test_every_node_that_can_fail_leads_to_a_failure_report(name):
    workflow = load(name)
    by_name = {node["name"]: node for node in workflow["nodes"]}
    for node in workflow["nodes"]:
        if node.get("onError") != "continueErrorOutput":
            continue
        [[error_link]] = workflow["connections"][node["name"]]["main"][1:]
        report = by_name[error_link["node"]]
        assert "status: 'failed'" in report["parameters"]["jsonBody"], node["name"]
        assert "onError" not in report
    reporters = {node["name"] for node in workflow["nodes"] if "failed" in json.dumps(node)}
    guarded = {
        node["name"]
        for node in workflow["nodes"]
        if node["type"] != "n8n-nodes-base.webhook"
        and node["name"] not in reporters
        and node["name"] not in ("ShortsGen config", "Ready tasks")
    }
    assert guarded
    assert all(by_name[name].get("onError") == "continueErrorOutput" for name in guarded)


def test_the_execution_reports_each_task_started_then_finished():
    workflow = load("execution")
    by_name = {node["name"]: node for node in workflow["nodes"]}
    started, finished = by_name["Task started"], by_name["Task finished"]
    assert "/task_update/" in started["parameters"]["url"]
    assert "status: 'processing'" in started["parameters"]["jsonBody"]
    assert "/task_update/" in finished["parameters"]["url"]
    assert "status: $json.status" in finished["parameters"]["jsonBody"]
    chain = ["Ready tasks", "Task started", "Do the task (stand-in)", "Task finished"]
    for here, after in itertools.pairwise(chain):
        assert workflow["connections"][here]["main"][0][0]["node"] == after


@pytest.mark.parametrize("name", WORKFLOW_IDS)
def test_the_work_sends_run_id_and_execution_id(name):
    text = json.dumps(load(name))
    assert "runId" in text
    assert "String($execution.id)" in text
