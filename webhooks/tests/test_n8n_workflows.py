"""The importable workflows in n8n/ are well-formed and call ShortsGen back as documented."""

import json
from pathlib import Path

import pytest
from django.conf import settings

WORKFLOWS = ["inspiration", "transform", "execution"]


def load(name):
    return json.loads((Path(settings.BASE_DIR) / "n8n" / f"{name}.workflow.json").read_text())


@pytest.mark.parametrize("name", WORKFLOWS)
def test_trigger_work_callback_are_connected_in_order(name):
    workflow = load(name)
    nodes = {node["name"]: node for node in workflow["nodes"]}
    kinds = [node["type"] for node in workflow["nodes"]]
    assert kinds == ["n8n-nodes-base.webhook", "n8n-nodes-base.code", "n8n-nodes-base.httpRequest"]
    chain = []
    current = workflow["nodes"][0]["name"]
    while current in workflow["connections"]:
        current = workflow["connections"][current]["main"][0][0]["node"]
        chain.append(current)
    assert chain == [workflow["nodes"][1]["name"], workflow["nodes"][2]["name"]]
    assert set(chain) <= set(nodes)


@pytest.mark.parametrize("name", WORKFLOWS)
def test_the_callback_posts_to_the_callback_url_with_the_token(name):
    callback = load(name)["nodes"][2]["parameters"]
    assert callback["method"] == "POST"
    assert "body.callbackUrl" in callback["url"]
    [header] = callback["headerParameters"]["parameters"]
    assert header["name"] == "Authorization"
    assert header["value"].startswith("=Token ")


@pytest.mark.parametrize("name", WORKFLOWS)
def test_the_work_sends_run_id_and_execution_id(name):
    code = load(name)["nodes"][1]["parameters"]["jsCode"]
    assert "runId: run.runId" in code
    assert "executionId: String($execution.id)" in code
