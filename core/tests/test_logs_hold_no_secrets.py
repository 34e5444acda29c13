"""No token and no credential reaches a log line: not from requests, not from tracebacks."""

import logging
import secrets

from rest_framework.test import APIClient

from core.logs import JsonFormatter, PlainFormatter, RequestIdFilter
from core.testing import error, make_token, ok


def test_tokens_and_credentials_never_reach_the_logs(db, monkeypatch, caplog, settings):
    from django.contrib.auth.middleware import AuthenticationMiddleware

    import accounts.services

    settings.DEBUG = False
    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(RequestIdFilter())
    token = make_token()
    wrong_token = "sg_" + secrets.token_hex(32)
    api_key, password = f"key-{secrets.token_hex(16)}", f"pw-{secrets.token_hex(16)}"
    credentials = {"api_key": api_key, "nested": {"password": password}}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    account = {"platform": "dreamina", "name": "leaky", "credentials": credentials}

    ok(client.get("/projects"))
    created = ok(client.post("/api/platform-accounts", account, format="json"), 201)
    assert created["credentials"]["api_key"] == "***masked***"
    error(
        client.put(f"/api/platform-accounts/{created['id']}", {"credentials": 7}, format="json"),
        400,
    )

    # A failure deep in the service, with the credentials in its frames' local variables.
    def encryption_down(value):
        raise RuntimeError("encryption backend down")

    monkeypatch.setattr(accounts.services, "encrypt_credentials", encryption_down)
    client.raise_request_exception = False
    account["name"] = "leaky-2"
    error(client.post("/api/platform-accounts", account, format="json"), 500)

    # A failure outside DRF, which Django logs with the request (and its headers) attached.
    def middleware_down(self, request):
        raise RuntimeError("middleware down")

    monkeypatch.setattr(AuthenticationMiddleware, "process_request", middleware_down)
    error(client.post("/api/platform-accounts", account, format="json"), 500)
    monkeypatch.undo()

    error(APIClient(HTTP_AUTHORIZATION=f"Bearer {wrong_token}").get("/api/assets"), 401)

    formatters = [JsonFormatter(), PlainFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")]
    text = "\n".join(f.format(record) for record in caplog.records for f in formatters)
    tracebacks = [record for record in caplog.records if record.exc_info]
    assert {record.exc_info[1].args[0] for record in tracebacks} == {
        "encryption backend down",
        "middleware down",
    }
    assert "account_create" in text  # the service's frame is in the logged traceback
    assert text.count("shortsgen.request") == 2 * 6  # every request has its line
    for secret in (token, wrong_token, api_key, password):
        assert secret not in text
