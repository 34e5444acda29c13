"""Test helper: an answer of the API must be one the OpenAPI schema documents, as the fuzzer
(fuzz/run.py) checks it: a documented status, and a body that matches its documented schema."""

import json
from functools import cache

import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from schemathesis.core.transport import Response


@cache
def served_schema() -> dict:
    """The schema as /api/schema/ serves it (JSON), built once per test run."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


@cache
def _loaded_schema():
    return schemathesis.openapi.from_dict(served_schema())


def assert_documented(response, method: str, path: str) -> None:
    """`path` is the schema's own (`/api/tasks/{id}/`); `response` a test client's answer."""
    documented = served_schema()["paths"][path][method.lower()]["responses"]
    assert str(response.status_code) in documented, (
        f"{method} {path} answered {response.status_code}, documented: {sorted(documented)}"
    )
    answer = Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.headers.items()},
        content=response.content,
        request=requests.Request(method.upper(), f"http://testserver{path}").prepare(),
        elapsed=0.0,
        verify=True,
    )
    # Raises with every mismatch of content type and body against the documented schema.
    _loaded_schema()[path][method.upper()].validate_response(answer)


# Walking the schema an app's tests read from /api/schema/ (a dict, as clients get it).


def fetch_schema(client) -> dict:
    """The schema as `client` is served it at /api/schema/ (JSON)."""
    return client.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def operation(paths: dict, path: str, method: str) -> dict:
    """The operation of `method` on `path`, written without its trailing slash."""
    return next(item[method] for key, item in paths.items() if key.rstrip("/") == path)


def component(doc: dict, ref: str) -> dict:
    """The component a `$ref` names."""
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]]


def request_body(doc: dict, op: dict) -> dict:
    """The component of an operation's JSON request body."""
    return component(doc, op["requestBody"]["content"]["application/json"]["schema"]["$ref"])


def data_schema(op: dict, status: str = "200") -> dict:
    """The schema of the envelope's `data` in an operation's answer with this status."""
    return op["responses"][status]["content"]["application/json"]["schema"]["properties"]["data"]
