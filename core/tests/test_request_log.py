"""One log line per request, with its id (X-Request-ID), status, duration and client."""

import json
import logging
import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from core.logs import JsonFormatter, PlainFormatter, RequestIdFilter, client_name
from core.testing import error, ok


@pytest.fixture(autouse=True)
def _stamped(caplog):
    # As on the console handler of settings.LOGGING.
    caplog.handler.addFilter(RequestIdFilter())


@pytest.fixture
def request_lines(caplog):
    """The request log's lines so far, as the JSON formatter writes them, parsed."""
    caplog.set_level(logging.INFO, logger="shortsgen.request")
    formatter = JsonFormatter()

    def lines():
        return [
            json.loads(formatter.format(record))
            for record in caplog.records
            if record.name == "shortsgen.request"
        ]

    return lines


def test_each_request_gets_an_id_in_its_response(api):
    response = api.get("/projects")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert api.get("/projects")["X-Request-ID"] != response["X-Request-ID"]


def test_a_plain_request_id_from_the_caller_is_kept(api):
    response = api.get("/projects", HTTP_X_REQUEST_ID="edge-7f3a.12_b")
    assert response["X-Request-ID"] == "edge-7f3a.12_b"


@pytest.mark.parametrize("sent", ["a b", "x" * 65, "id\nforged line", "<script>", ""])
def test_an_unsafe_or_long_request_id_is_replaced(api, sent):
    response = api.get("/projects", HTTP_X_REQUEST_ID=sent)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_request_is_one_line_with_its_id_status_duration_and_client(api, request_lines):
    response = api.get("/projects?limit=5", HTTP_X_REQUEST_ID="req-1")
    (line,) = request_lines()
    assert line["request_id"] == response["X-Request-ID"] == "req-1"
    assert line["level"] == "INFO"
    assert line["logger"] == "shortsgen.request"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/projects", 200)
    assert line["client"] == "test-client"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["message"].startswith("GET /projects 200 ")
    assert "limit" not in json.dumps(line)  # no query strings


def test_errors_and_unknown_paths_are_logged_with_their_status(api, anon, request_lines):
    error(api.get("/api/no-such-thing"), 404)
    error(anon.get("/projects"), 401)
    assert [(line["path"], line["status"], line["client"]) for line in request_lines()] == [
        ("/api/no-such-thing", 404, None),
        ("/projects", 401, None),
    ]


def test_the_console_user_is_the_client(operator_api, request_lines):
    ok(operator_api.get("/projects"))
    assert request_lines()[0]["client"] == "test-operator"


def test_a_caller_that_is_no_django_user_is_named_by_its_username():
    # As a signed webhook's n8n stand-in (webhooks.authentication.N8nCaller).
    request = RequestFactory().get("/api/webhooks/x")
    request.user = SimpleNamespace(is_authenticated=True, username="n8n (HMAC)")
    assert client_name(request) == "n8n (HMAC)"


def test_logging_a_request_costs_no_query(operator_api, django_assert_num_queries):
    # The session's user is never loaded for a view that does not ask for it.
    with django_assert_num_queries(0):
        ok(operator_api.get("/healthz"))


def test_every_line_of_a_request_carries_its_id(api, monkeypatch, caplog):
    from projects import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.ProjectViewSet, "list", explode)
    caplog.set_level(logging.INFO)
    response = api.get("/projects", HTTP_X_REQUEST_ID="req-500")
    error(response, 500)
    lines = [json.loads(JsonFormatter().format(record)) for record in caplog.records]
    assert {line["logger"] for line in lines} >= {"core.exceptions", "shortsgen.request"}
    assert {line.get("request_id") for line in lines} == {"req-500"}
    (failure,) = [line for line in lines if line["logger"] == "core.exceptions"]
    assert failure["level"] == "ERROR"
    assert failure["exception"].startswith("Traceback (most recent call last):")
    assert failure["exception"].endswith("RuntimeError: boom")


def test_json_lines_hold_plain_extras_only():
    record = logging.makeLogRecord(
        {"name": "x", "msg": "%s done", "args": ("job",), "levelno": 20, "levelname": "INFO"}
    )
    record.count, record.request = 3, object()
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "job done"
    assert line["count"] == 3
    assert "request" not in line
    assert "request_id" not in line
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_plain_lines_end_with_the_request_id_when_there_is_one(api, caplog):
    caplog.set_level(logging.INFO, logger="shortsgen.request")
    api.get("/projects", HTTP_X_REQUEST_ID="req-plain")
    formatter = PlainFormatter("%(levelname)s %(name)s %(message)s")
    assert formatter.format(caplog.records[-1]).endswith(" test-client [req-plain]")
    outside = logging.makeLogRecord({"msg": "idle", "levelname": "INFO", "name": "x"})
    assert formatter.format(outside) == "INFO x idle"


def test_the_log_format_setting_fails_loudly(monkeypatch):
    from shortsgen.settings import env_choice

    monkeypatch.setenv("SHORTSGEN_LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="SHORTSGEN_LOG_FORMAT must be one of"):
        env_choice("SHORTSGEN_LOG_FORMAT", ("json", "plain"), "json")
    monkeypatch.setenv("SHORTSGEN_LOG_FORMAT", "PLAIN")
    assert env_choice("SHORTSGEN_LOG_FORMAT", ("json", "plain"), "json") == "plain"
