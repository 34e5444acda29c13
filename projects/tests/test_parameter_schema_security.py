"""A parameter_schema is caller input: it never makes the server read a file, fetch a URL or
backtrack on a pattern, and no odd schema turns into a 500."""

import http.server
import json
import threading

import pytest
from django.db import connection

from core.exceptions import ApplicationError
from core.testing import error, ok
from inspirations.models import Inspiration
from projects.models import Project, ProjectType
from projects.services import project_create
from projects.validation import check_parameter_schema, validate_parameters

REF_REFUSED = "Only references inside the schema (#/...) are allowed."
SECRET = "TOP-SECRET-5f3a9c"
REDOS_PATTERN = "^(a+)+$"
REDOS_INPUT = "a" * 30 + "!"  # 31 characters: minutes for Python's re, microseconds for RE2


class Loopback(http.server.ThreadingHTTPServer):
    """A real HTTP server on 127.0.0.1 that records every request and serves a schema."""

    def __init__(self):
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", 0), self.Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.server.requests.append(self.path)
            body = json.dumps({"type": "string", "const": SECRET}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass


@pytest.fixture
def loopback():
    server = Loopback()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.json"
    path.write_text(json.dumps({"type": "string", "const": SECRET}))
    return path


def a_type(schema, code="guarded"):
    return {"code": code, "name": "Guarded", "parameter_schema": schema}


def ref_to(target, keyword="$ref"):
    return {"type": "object", "properties": {"title": {keyword: target}}}


@pytest.fixture
def guarded(api):
    schema = {"type": "object", "properties": {"title": {"type": "string"}}}
    return ok(api.post("/api/project-types", a_type(schema), format="json"), 201)


def assert_schema_kept(guarded):
    stored = ProjectType.objects.get(code="guarded")
    assert stored.parameter_schema == guarded["parameter_schema"]


# --- references -------------------------------------------------------------------------------


def test_a_file_ref_is_refused_and_the_file_never_shown(api, guarded, secret_file):
    schema = ref_to(secret_file.as_uri())
    for response in (
        api.post("/api/project-types", a_type(schema, code="other"), format="json"),
        api.put("/api/project-types/guarded", {"parameter_schema": schema}, format="json"),
    ):
        message = error(response, 400)
        assert message == f"parameter_schema.properties.title.$ref: {REF_REFUSED}"
        assert SECRET not in response.content.decode()
    assert not ProjectType.objects.filter(code="other").exists()
    assert_schema_kept(guarded)


def test_a_ref_to_a_file_that_is_not_json_is_400_not_500(api, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("root:x:0:0:root:/root:/bin/bash\n")
    response = api.post("/api/project-types", a_type(ref_to(path.as_uri())), format="json")
    assert error(response, 400) == f"parameter_schema.properties.title.$ref: {REF_REFUSED}"
    assert "root:x" not in response.content.decode()
    assert not ProjectType.objects.exists()


@pytest.mark.parametrize("keyword", ["$ref", "$dynamicRef", "$recursiveRef"])
def test_a_url_ref_is_refused_without_a_request(api, guarded, loopback, keyword):
    schema = ref_to(f"{loopback.url}/schema.json", keyword)
    response = api.post("/api/project-types", a_type(schema, code="other"), format="json")
    assert error(response, 400) == f"parameter_schema.properties.title.{keyword}: {REF_REFUSED}"
    response = api.put("/api/project-types/guarded", {"parameter_schema": schema}, format="json")
    assert error(response, 400).startswith(f"parameter_schema.properties.title.{keyword}:")
    assert loopback.requests == []
    assert not ProjectType.objects.filter(code="other").exists()
    assert_schema_kept(guarded)


def test_a_ref_hidden_in_a_default_is_refused_too(api, loopback):
    # A "#/..." pointer can make any part of the document act as a schema.
    schema = {"$ref": "#/default", "default": {"$ref": f"{loopback.url}/x.json"}}
    response = api.post("/api/project-types", a_type(schema), format="json")
    assert error(response, 400) == f"parameter_schema.default.$ref: {REF_REFUSED}"
    assert loopback.requests == []


def test_refs_inside_the_schema_still_work(api):
    schema = {
        "type": "object",
        "$defs": {"ratio": {"enum": ["9:16", "16:9"]}},
        "properties": {"aspect_ratio": {"$ref": "#/$defs/ratio"}},
    }
    ok(api.post("/api/project-types", a_type(schema), format="json"), 201)
    body = {"name": "p", "project_type": "guarded", "initial_parameters": {"aspect_ratio": "1:1"}}
    message = error(api.post("/projects", body, format="json"), 400)
    assert message.startswith("initial_parameters.aspect_ratio: '1:1' is not one of")
    body["initial_parameters"] = {"aspect_ratio": "9:16"}
    ok(api.post("/projects", body, format="json"), 201)


def test_a_ref_that_a_nested_id_points_outside_is_never_fetched(api, loopback):
    # Every ref is "#...", so the save check lets it through; resolving "#/a" against the $id
    # would fetch the URL with jsonschema's default registry. Ours refuses to retrieve.
    schema = {
        "allOf": [{"$ref": "#/x-data"}],
        "x-data": {"properties": {"title": {"$id": f"{loopback.url}/evil/", "$ref": "#/a"}}},
    }
    ok(api.post("/api/project-types", a_type(schema), format="json"), 201)
    project = {"name": "p", "project_type": "guarded", "initial_parameters": {"title": "t"}}
    message = error(api.post("/projects", project, format="json"), 400)
    assert message == (
        "initial_parameters: The project type's parameter_schema cannot be applied: "
        "Reference '#/a' does not resolve inside the schema."
    )
    inspiration = {"title": "t", "project_type_code": "guarded", "parameters": {"title": "t"}}
    assert error(api.post("/api/inspirations", inspiration, format="json"), 400).startswith(
        "parameters: The project type's parameter_schema cannot be applied:"
    )
    assert loopback.requests == []
    assert not Project.objects.exists()
    assert not Inspiration.objects.exists()


# --- patterns ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_catastrophic_pattern_is_answered_at_once(api):
    schema = {
        "type": "object",
        "properties": {"title": {"type": "string", "pattern": REDOS_PATTERN}},
    }
    ok(api.post("/api/project-types", a_type(schema), format="json"), 201)
    answers = {}

    def attack():
        try:
            project = {"name": "p", "project_type": "guarded"}
            project["initial_parameters"] = {"title": REDOS_INPUT}
            answers["project"] = api.post("/projects", project, format="json")
            inspiration = {"title": "t", "project_type_code": "guarded"}
            inspiration["parameters"] = {"title": REDOS_INPUT}
            answers["inspiration"] = api.post("/api/inspirations", inspiration, format="json")
        finally:
            connection.close()

    thread = threading.Thread(target=attack, daemon=True)
    thread.start()
    thread.join(timeout=20)  # a bound, not a benchmark: backtracking takes minutes
    assert not thread.is_alive()
    mismatch = f"{REDOS_INPUT!r} does not match {REDOS_PATTERN!r}"
    assert error(answers["project"], 400) == f"initial_parameters.title: {mismatch}"
    assert error(answers["inspiration"], 400) == f"parameters.title: {mismatch}"
    assert not Project.objects.exists()
    assert not Inspiration.objects.exists()


def test_a_catastrophic_pattern_property_is_matched_on_re2_too():
    schema = {
        "type": "object",
        "patternProperties": {REDOS_PATTERN: {"type": "integer"}},
        "additionalProperties": False,
    }
    answers = []

    def attack():
        for parameters in ({REDOS_INPUT: 1}, {"a" * 30: "not an integer"}):
            try:
                validate_parameters(schema=schema, parameters=parameters, field="parameters")
            except ApplicationError as exc:
                answers.append(exc.message)

    thread = threading.Thread(target=attack, daemon=True)
    thread.start()
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert answers == [
        f"parameters: {REDOS_INPUT!r} does not match any of the regexes: {REDOS_PATTERN!r}",
        f"parameters.{'a' * 30}: 'not an integer' is not of type 'integer'",
    ]


@pytest.mark.parametrize(
    ("schema", "where", "pattern"),
    [
        ({"properties": {"title": {"pattern": r"(a)\1"}}}, ".properties.title.pattern", r"(a)\1"),
        ({"patternProperties": {"^(?!x)": {}}}, ".patternProperties", "^(?!x)"),
        ({"propertyNames": {"pattern": "(?<=a)b"}}, ".propertyNames.pattern", "(?<=a)b"),
    ],
)
def test_a_pattern_re2_cannot_run_is_refused_at_save(api, guarded, schema, where, pattern):
    response = api.post("/api/project-types", a_type(schema, code="other"), format="json")
    message = error(response, 400)
    assert message.startswith(f"parameter_schema{where}: Pattern {pattern!r} is not RE2 syntax")
    assert "linear time" in message
    response = api.put("/api/project-types/guarded", {"parameter_schema": schema}, format="json")
    assert error(response, 400) == message
    assert not ProjectType.objects.filter(code="other").exists()
    assert_schema_kept(guarded)


def test_patterns_are_re2_syntax(api):
    schema = {"type": "object", "properties": {"title": {"pattern": r"^\p{Han}+\z"}}}
    ok(api.post("/api/project-types", a_type(schema), format="json"), 201)
    body = {"name": "p", "project_type": "guarded", "initial_parameters": {"title": "你好"}}
    ok(api.post("/projects", body, format="json"), 201)
    body["initial_parameters"] = {"title": "hello"}
    message = error(api.post("/projects", body, format="json"), 400)
    assert message.startswith("initial_parameters.title: 'hello' does not match")


def test_a_nested_schema_declaration_is_refused(api):
    # jsonschema would validate that subschema with its stock class, on Python's re.
    draft7 = "http://json-schema.org/draft-07/schema#"
    schema = {"properties": {"title": {"$schema": draft7, "pattern": REDOS_PATTERN}}}
    message = error(api.post("/api/project-types", a_type(schema), format="json"), 400)
    assert message == (
        "parameter_schema.properties.title.$schema: "
        "Only the root of the schema may declare $schema."
    )
    assert not ProjectType.objects.exists()


def test_the_declared_draft_is_kept(api):
    schema = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "properties": {"duration": {"minimum": 10, "exclusiveMinimum": True}},
    }
    ok(api.post("/api/project-types", a_type(schema), format="json"), 201)
    body = {"name": "p", "project_type": "guarded", "initial_parameters": {"duration": 10}}
    message = error(api.post("/projects", body, format="json"), 400)
    assert message == "initial_parameters.duration: 10 is less than or equal to the minimum of 10"


def test_unevaluated_properties_beside_pattern_properties_is_refused(api):
    schema = {"patternProperties": {"^x-": {}}, "unevaluatedProperties": False}
    message = error(api.post("/api/project-types", a_type(schema), format="json"), 400)
    assert message == (
        "parameter_schema.unevaluatedProperties: "
        "Cannot be combined with patternProperties in one schema."
    )


# --- odd schemas are 400s, not 500s -----------------------------------------------------------


def test_a_huge_number_against_multiple_of_is_400(api):
    schema = {"type": "object", "properties": {"n": {"multipleOf": 0.5}}}
    ok(api.post("/api/project-types", a_type(schema), format="json"), 201)
    body = {"name": "p", "project_type": "guarded", "initial_parameters": {"n": 10**400}}
    message = error(api.post("/projects", body, format="json"), 400)
    assert message.startswith("initial_parameters: The project type's parameter_schema cannot")
    assert not Project.objects.exists()


def test_a_schema_referring_to_itself_without_end_is_400(api):
    ok(api.post("/api/project-types", a_type({"$ref": "#"}), format="json"), 201)
    body = {"name": "p", "project_type": "guarded", "initial_parameters": {}}
    message = error(api.post("/projects", body, format="json"), 400)
    assert message == (
        "initial_parameters: The project type's parameter_schema cannot be applied: "
        "It refers to itself without end."
    )


def test_a_schema_nested_too_deeply_is_400(api):
    schema: dict = {}
    for _ in range(300):
        schema = {"not": schema}
    # The API refuses the body before the schema is looked at (core.parsers); the console
    # and other callers of the service meet the schema check itself.
    message = error(api.post("/api/project-types", a_type(schema), format="json"), 400)
    assert message == "Nested deeper than 64 levels."
    with pytest.raises(ApplicationError) as refused:
        check_parameter_schema(schema)
    assert refused.value.message == "parameter_schema: Nested too deeply."


# --- stored schemas that were never checked ---------------------------------------------------


@pytest.mark.parametrize("keyword", ["$ref", "$dynamicRef"])
def test_a_stored_url_ref_is_400_at_validation_not_a_fetch(db, loopback, keyword):
    target = f"{loopback.url}/schema.json"
    ProjectType.objects.create(code="old", name="Old", parameter_schema=ref_to(target, keyword))
    with pytest.raises(ApplicationError) as refused:
        project_create(name="p", project_type="old", initial_parameters={"title": "t"})
    assert refused.value.status_code == 400
    assert refused.value.message.startswith(
        "initial_parameters: The project type's parameter_schema cannot be applied:"
    )
    assert loopback.requests == []
    assert not Project.objects.exists()


def test_a_stored_file_ref_is_400_at_validation_not_a_read(api, secret_file):
    schema = ref_to(secret_file.as_uri())
    ProjectType.objects.create(code="old", name="Old", parameter_schema=schema)
    body = {"name": "p", "project_type": "old", "initial_parameters": {"title": "t"}}
    response = api.post("/projects", body, format="json")
    assert error(response, 400) == (
        "initial_parameters: The project type's parameter_schema cannot be applied: "
        f"Reference {secret_file.as_uri()!r} does not resolve inside the schema."
    )
    assert SECRET not in response.content.decode()


def test_a_stored_pattern_re2_cannot_run_is_400(db):
    schema = {"properties": {"title": {"pattern": r"(a)\1"}}}
    with pytest.raises(ApplicationError) as refused:
        validate_parameters(schema=schema, parameters={"title": "aa"}, field="parameters")
    assert refused.value.message.startswith(
        "parameters: The project type's parameter_schema cannot be applied: A pattern is not RE2"
    )


def test_the_admin_form_refuses_an_external_ref(admin_client, loopback):
    response = admin_client.post(
        "/admin/projects/projecttype/add/",
        {
            "code": "guarded",
            "name": "Guarded",
            "sort_order": 0,
            "default_parameters": "{}",
            "parameter_schema": json.dumps(ref_to(f"{loopback.url}/x.json")),
            "task_template": "[]",
        },
    )
    assert response.status_code == 200
    # Beside the field, the path inside it named.
    form = response.context["adminform"].form
    assert form.errors["parameter_schema"] == [f"properties.title.$ref: {REF_REFUSED}"]
    assert not ProjectType.all_objects.exists()
    assert loopback.requests == []


def test_a_chain_of_doubling_references_is_refused_at_save(api):
    # Level n refers twice to level n+1: validating would take 2**20 steps.
    definitions = {
        f"l{n}": {"anyOf": [{"$ref": f"#/$defs/l{n + 1}"}, {"$ref": f"#/$defs/l{n + 1}"}]}
        for n in range(20)
    }
    definitions["l20"] = {"type": "string", "minLength": 5}
    schema = {"$defs": definitions, "$ref": "#/$defs/l0"}
    body = {"code": "doubling", "name": "Doubling", "parameter_schema": schema}
    message = error(api.post("/api/project-types", body, format="json"), 400)
    assert message == "parameter_schema: At most 32 references ($ref) in one schema, not 41."
