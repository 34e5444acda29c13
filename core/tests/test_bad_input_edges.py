"""Bad input is a clear 4xx where it comes in, never a database error (a 500 on PostgreSQL):
NUL and lone surrogates, numbers past a column's range, bodies nested too deep or sent
without a length; and what still reaches the database as an error is answered in the
envelope without the database's words."""

import http.client
import logging
import os
import secrets
import socket
import subprocess
import sys
import time

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.db import DataError, transaction
from django.urls import path
from rest_framework.views import APIView

from accounts.models import PlatformAccount
from assets.models import Asset
from core.fields import MAX_ID, MAX_INT32
from core.models import WorkflowRun
from core.parsers import MAX_JSON_DEPTH, character_problem, nested_deeper_than
from core.testing import collect_garbage_first, error, ok
from inspirations import services as inspiration_services
from inspirations.models import Inspiration
from projects.models import Project, ProjectType
from projects.services import project_create
from tasks.models import Task
from webhooks.models import WebhookEvent
from workerconfigs.models import WorkerConfig

NUL = "\u0000"
AT_DEPTH = {"a": {"b": [1, 2, f"x{NUL}y"]}}
NUL_MESSAGE = "Null characters are not allowed."


@pytest.fixture
def world(demo_types):
    project = project_create(name="demo", project_type="video_generation")
    inspiration = inspiration_services.inspiration_create(
        title="idea", project_type_code="video_generation", parameters={"style": "calm"}
    )
    Inspiration.objects.filter(pk=inspiration.pk).update(status=Inspiration.Status.APPROVED)
    task = project.tasks.order_by("id").first()
    return {"project": project.id, "inspiration": inspiration.id, "task": task.id}


def stored(world) -> tuple:
    """Everything a refused request must leave as it was."""
    counts = tuple(
        model.all_objects.count() if hasattr(model, "all_objects") else model.objects.count()
        for model in (
            Project,
            Task,
            ProjectType,
            Inspiration,
            WorkerConfig,
            Asset,
            PlatformAccount,
            WebhookEvent,
            WorkflowRun,
        )
    )
    project = Project.objects.values("status", "initial_parameters").get(pk=world["project"])
    inspiration = Inspiration.objects.values("status", "parameters").get(pk=world["inspiration"])
    task = Task.objects.values("status", "task_output").get(pk=world["task"])
    return counts, project, inspiration, task


# (client, URL, body, path the message names); {project}, {inspiration}, {task} from `world`.
NUL_AT_DEPTH = {
    "projects": (
        "api",
        "/projects",
        {"name": "p", "project_type": "video_generation", "initial_parameters": AT_DEPTH},
        "initial_parameters.a.b[2]",
    ),
    "project regenerate": ("api", "/projects/{project}/regenerate", AT_DEPTH, "a.b[2]"),
    "project types": (
        "api",
        "/api/project-types",
        {"code": "c", "name": "n", "default_parameters": AT_DEPTH},
        "default_parameters.a.b[2]",
    ),
    "project type templates": (
        "api",
        "/api/project-types",
        {"code": "c", "name": "n", "task_template": [{"key": "k", "task_input": AT_DEPTH}]},
        "task_template[0].task_input.a.b[2]",
    ),
    "tasks": (
        "api",
        "/api/tasks",
        {"project_id": "{project}", "task_type": "t", "task_input": AT_DEPTH},
        "task_input.a.b[2]",
    ),
    "inspirations": (
        "api",
        "/api/inspirations",
        {"title": "t", "parameters": AT_DEPTH},
        "parameters.a.b[2]",
    ),
    "worker configs": (
        "api",
        "/api/worker-configs",
        {"config_name": "c", "config_type": "t", "worker_type": "w", "config_data": AT_DEPTH},
        "config_data.a.b[2]",
    ),
    "assets": (
        "api",
        "/api/assets",
        {"name": "a", "asset_type": "video", "asset_metadata": AT_DEPTH},
        "asset_metadata.a.b[2]",
    ),
    "platform accounts": (
        "api",
        "/api/platform-accounts",
        {"platform": "dreamina", "name": "n", "credentials": AT_DEPTH},
        "credentials.a.b[2]",
    ),
    "inspiration webhook": (
        "n8n_api",
        "/api/webhooks/n8n/inspiration/{inspiration}",
        {"status": "success", "data": {"parameters": AT_DEPTH}},
        "data.parameters.a.b[2]",
    ),
    "project_creation webhook": (
        "n8n_api",
        "/api/webhooks/n8n/project_creation/{inspiration}",
        {
            "status": "success",
            "project": {"name": "p", "project_type": "video_generation"},
            "tasks": [{"task_type": "t", "task_input": AT_DEPTH}],
        },
        "tasks[0].task_input.a.b[2]",
    ),
    "project_execution webhook": (
        "n8n_api",
        "/api/webhooks/n8n/project_execution/{project}",
        {"status": "success", "task_updates": [{"task_id": "{task}", "task_output": AT_DEPTH}]},
        "task_updates[0].task_output.a.b[2]",
    ),
    "task_update webhook": (
        "n8n_api",
        "/api/webhooks/n8n/task_update/{task}",
        {"status": "completed", "task_output": AT_DEPTH},
        "task_output.a.b[2]",
    ),
}


def filled(value, world):
    """The case's body or URL with the world's ids in place of "{project}" and the like."""
    if isinstance(value, dict):
        return {key: filled(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item, world) for item in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return world[value[1:-1]]
    if isinstance(value, str):
        return value.format(**world)
    return value


@pytest.mark.parametrize("case", NUL_AT_DEPTH.values(), ids=NUL_AT_DEPTH.keys())
def test_a_nul_deep_in_a_json_field_is_400_naming_its_path(request, world, case):
    client_name, url, body, path = case
    client = request.getfixturevalue(client_name)
    before = stored(world)
    response = client.post(filled(url, world), filled(body, world), format="json")
    assert error(response, 400) == f"{path}: {NUL_MESSAGE}"
    assert response.json()["data"] == {"errors": {path: [NUL_MESSAGE]}}
    assert stored(world) == before


def test_a_nul_in_a_key_is_400_naming_the_key(api, world):
    before = stored(world)
    body = {"name": "p", "project_type": "x", "initial_parameters": {"a": {f"b{NUL}c": 1}}}
    message = error(api.post("/projects", body, format="json"), 400)
    assert message == f"initial_parameters.a.b\\u0000c: {NUL_MESSAGE}"
    assert stored(world) == before


def test_a_nul_in_a_field_the_endpoint_ignores_is_400_too(n8n_api, world):
    # A webhook stores its payload as it came, unknown fields included.
    before = stored(world)
    body = {"status": "completed", "note_from_n8n": f"a{NUL}"}
    response = n8n_api.post(f"/api/webhooks/n8n/task_update/{world['task']}", body, format="json")
    assert error(response, 400) == f"note_from_n8n: {NUL_MESSAGE}"
    assert stored(world) == before


def test_a_nul_in_a_text_field_is_400(api, world):
    response = api.post("/api/inspirations", {"title": f"t{NUL}"}, format="json")
    assert error(response, 400) == f"title: {NUL_MESSAGE}"


def test_a_lone_surrogate_is_400(api, world):
    before = stored(world)
    body = '{"name": "p", "project_type": "x", "initial_parameters": {"s": ["\\ud800"]}}'
    response = api.generic("POST", "/projects", body, content_type="application/json")
    assert error(response, 400) == (
        "initial_parameters.s[0]: Surrogate characters are not allowed: U+D800."
    )
    assert stored(world) == before


def test_an_escaped_backslash_before_u0000_is_text_not_nul(api, world):
    body = '{"name": "p", "project_type": "x", "initial_parameters": {"s": "\\\\u0000"}}'
    created = ok(api.generic("POST", "/projects", body, content_type="application/json"), 201)
    assert created["initial_parameters"] == {"s": "\\u0000"}


def test_a_number_beyond_a_double_is_400(api, world):
    body = '{"name": "p", "project_type": "x", "initial_parameters": {"n": 1e999}}'
    response = api.generic("POST", "/projects", body, content_type="application/json")
    assert error(response, 400) == "JSON parse error - Number out of range: 1e999"


# --- query and path parameters ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("task_type=%00", "task_type"),
        ("status=pending&status=%00", "status"),
        ("project_id=1%002", "project_id"),
        ("skip=%00", "skip"),
        ("a%00b=1", "a\\u0000b"),
    ],
)
def test_a_nul_in_a_query_parameter_is_400_naming_it(api, query, name):
    response = api.get(f"/api/tasks?{query}")
    assert error(response, 400) == f"{name}: {NUL_MESSAGE}"
    assert response.json()["data"] == {"errors": {name: [NUL_MESSAGE]}}


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/assets/by-hash/ab%00cd", "file_hash"),
        ("/api/assets/by-type/video%00", "asset_type"),
        ("/api/platform-accounts/available/runway%00", "platform"),
    ],
)
def test_a_nul_in_a_path_parameter_is_400_naming_it(api, url, name):
    assert error(api.get(url), 400) == f"{name}: {NUL_MESSAGE}"


def test_a_nul_in_a_project_type_code_matches_no_route(api, world):
    assert error(api.get("/api/project-types/a%00b"), 404) == "Not Found"
    assert error(api.put("/api/project-types/a%00b", {}, format="json"), 404) == "Not Found"


# --- nesting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000],
    ids=["arrays", "objects"],
)
def test_a_body_nested_5000_deep_is_400(api, world, body):
    collect_garbage_first()
    url = f"/projects/{world['project']}/regenerate"
    response = api.generic("POST", url, body, content_type="application/json")
    assert error(response, 400) == "Nested deeper than 64 levels."


def test_64_levels_are_accepted_65_are_not(api, world):
    def nested(levels):  # the body itself is level 1
        value: dict = {}
        for _ in range(levels - 1):
            value = {"x": value}
        return value

    url = f"/projects/{world['project']}/regenerate"
    ok(api.post(url, nested(MAX_JSON_DEPTH), format="json"))
    response = api.post(url, nested(MAX_JSON_DEPTH + 1), format="json")
    assert error(response, 400) == "Nested deeper than 64 levels."


def test_nesting_is_counted_in_objects_and_arrays():
    assert not nested_deeper_than([[{"a": [1]}]], 4)
    assert nested_deeper_than([[{"a": [[]]}]], 4)
    assert not nested_deeper_than("text", 0)


def test_character_problem_names_the_first_refused_place():
    assert character_problem({"a": ["ok", {"b": f"{NUL}"}], "c": NUL}) == ("a[1].b", NUL_MESSAGE)
    assert character_problem({"k" * 100 + NUL: 1}) == ("k" * 64 + "…", NUL_MESSAGE)
    assert character_problem(NUL) == ("", NUL_MESSAGE)
    assert character_problem({"a": [1, 2.5, None, True, "fine"]}) is None


# --- bodies without a length ------------------------------------------------------------------

LENGTH_REQUIRED = "A request body needs a Content-Length header (chunked bodies are refused)."


def test_a_chunked_body_without_content_length_is_411(api, world):
    before = stored(world)
    response = api.generic(
        "POST",
        "/api/inspirations",
        '{"title": "t"}',
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        CONTENT_LENGTH="",
    )
    assert error(response, 411) == LENGTH_REQUIRED
    assert stored(world) == before


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    """A real gunicorn serving ShortsGen on loopback with its own configuration (read from
    ./gunicorn.conf.py), as a production host does; these requests need no database."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shortsgen.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "SHORTSGEN_CREDENTIALS_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    gunicorn_bin = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(
        [gunicorn_bin, "shortsgen.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_gunicorn_passes_a_chunked_body_on_and_it_is_refused_with_411(gunicorn):
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=10)
    chunks = iter([b'{"title":', b' "t"}'])
    headers = {"Content-Type": "application/json"}
    connection.request("POST", "/api/inspirations", chunks, headers, encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 411
    assert response.read() == (
        b'{"code":411,"msg":"' + LENGTH_REQUIRED.encode() + b'","data":null}'
    )
    # The same body with a length reaches the API (which wants a token first).
    headers = {"Content-Type": "application/json"}
    connection.request("POST", "/api/inspirations", body=b'{"title": "t"}', headers=headers)
    response = connection.getresponse()
    assert response.status == 401
    response.read()
    connection.close()


# --- integers and their columns ---------------------------------------------------------------


@pytest.mark.parametrize("pk", [MAX_ID, MAX_ID + 1, 10**30])
def test_an_id_past_bigint_in_a_path_is_not_found(api, n8n_api, world, pk):
    assert error(api.get(f"/projects/{pk}"), 404) == "Project not found"
    assert error(api.patch(f"/api/tasks/{pk}", {}, format="json"), 404) == "Task not found"
    assert error(api.get(f"/api/worker-configs/tasks/{pk}/configs"), 404) == "Task not found"
    body = {"status": "completed"}
    response = n8n_api.post(f"/api/webhooks/n8n/task_update/{pk}", body, format="json")
    assert error(response, 404) == "Task not found"


@pytest.mark.parametrize("pk", [MAX_ID, MAX_ID + 1, 10**30])
def test_an_id_past_bigint_in_a_filter_matches_nothing(api, world, pk):
    assert ok(api.get(f"/api/tasks?project_id={pk}")) == []
    assert ok(api.get(f"/projects?inspiration_id={pk}")) == []


def test_an_id_filter_takes_whole_numbers_only(api, world):
    assert error(api.get("/api/tasks?project_id=1.5"), 400) == "project_id: Enter a whole number."
    # Digits only (docs/api.md, "Filters"): "1.0" is not an id.
    assert error(api.get(f"/api/tasks?project_id={world['project']}.0"), 400)


def test_an_id_past_bigint_in_a_body_is_400_naming_the_field(api, world):
    body = {"output_asset_id": MAX_ID + 1}
    message = error(api.put(f"/projects/{world['project']}", body, format="json"), 400)
    assert message == f"output_asset_id: Asset {MAX_ID + 1} not found."
    body = {"project_id": MAX_ID + 1, "task_type": "t"}
    message = error(api.post("/api/tasks", body, format="json"), 400)
    assert message == f"project_id: Ensure this value is less than or equal to {MAX_ID}."


def test_skip_past_bigint_is_400(api, world):
    message = error(api.get(f"/projects?skip={10**30}"), 400)
    assert message == f"skip: Ensure this value is less than or equal to {MAX_ID}."


def test_skip_at_the_end_of_bigint_is_an_empty_page(api, world):
    response = api.get(f"/projects?skip={MAX_ID}&limit=1000")
    assert ok(response) == []
    assert response["X-Total-Count"] == "1"


TOO_BIG = f"Ensure this value is less than or equal to {MAX_INT32}."


def a_type(**fields) -> dict:
    template = fields.pop("template", [])
    return {"code": "c", "name": "n", "task_template": template, **fields}


@pytest.mark.parametrize(
    ("client_name", "url", "body", "message"),
    [
        (
            "api",
            "/api/project-types",
            a_type(sort_order=2**31),
            f"sort_order: {TOO_BIG}",
        ),
        (
            "api",
            "/api/worker-configs",
            {"config_name": "c", "config_type": "t", "worker_type": "w", "priority": 2**31},
            f"priority: {TOO_BIG}",
        ),
        (
            "api",
            "/api/tasks",
            {"project_id": "{project}", "task_type": "t", "priority": 2**31},
            f"priority: {TOO_BIG}",
        ),
        (
            "n8n_api",
            "/api/webhooks/n8n/project_creation/{inspiration}",
            {
                "status": "success",
                "project": {"name": "p", "project_type": "video_generation"},
                "tasks": [{"task_type": "t", "priority": -(2**31) - 1}],
            },
            f"tasks[0].priority: Ensure this value is greater than or equal to {-(2**31)}.",
        ),
        (
            "n8n_api",
            "/api/webhooks/n8n/project_creation/{inspiration}",
            {
                "status": "success",
                "project": {"name": "p", "project_type": "video_generation"},
                "tasks": [{"task_type": "t", "max_attempts": 2**40}],
            },
            "tasks[0].max_attempts: Ensure this value is less than or equal to 100.",
        ),
        (
            "api",
            "/api/project-types",
            a_type(template=[{"key": "a", "task_type": "t", "priority": 2**40}]),
            f"task_template[0].priority: Must be at most {MAX_INT32}.",
        ),
        (
            "api",
            "/api/project-types",
            a_type(template=[{"key": "a", "task_type": "t", "max_attempts": 101}]),
            "task_template[0].max_attempts: Must be at most 100.",
        ),
        (
            "api",
            "/api/project-types",
            a_type(template=[{"key": "a", "task_type": "t" * 101}]),
            "task_template[0].task_type: At most 100 characters.",
        ),
    ],
    ids=[
        "project type sort_order",
        "worker config priority",
        "task priority",
        "webhook task priority",
        "webhook task max_attempts",
        "template priority",
        "template max_attempts",
        "template task_type",
    ],
)
def test_an_integer_past_its_column_is_400(request, world, client_name, url, body, message):
    client = request.getfixturevalue(client_name)
    before = stored(world)
    response = client.post(filled(url, world), filled(body, world), format="json")
    assert error(response, 400) == message
    assert stored(world) == before


def test_the_edges_of_an_integer_column_are_stored(api, world):
    body = {"code": "c", "name": "n", "sort_order": MAX_INT32}
    assert ok(api.post("/api/project-types", body, format="json"), 201)["sort_order"] == MAX_INT32
    template = [{"key": "a", "task_type": "t", "priority": -(2**31), "max_attempts": 100}]
    body = {"code": "d", "name": "n", "task_template": template}
    ok(api.post("/api/project-types", body, format="json"), 201)
    project = ok(api.post("/projects", {"name": "p", "project_type": "d"}, format="json"), 201)
    assert [(t["priority"], t["max_attempts"]) for t in project["tasks"]] == [(-(2**31), 100)]


def test_a_stored_template_past_a_column_is_400_when_used_not_a_500(api, world):
    # Saved before the check existed (or by other means than the API and the admin).
    template = [{"key": "a", "task_type": "t", "priority": 2**40}]
    ProjectType.objects.create(code="old", name="Old", task_template=template)
    before = stored(world)
    response = api.post("/projects", {"name": "p", "project_type": "old"}, format="json")
    assert error(response, 400) == (
        "project_type: The project type's task_template cannot be applied: "
        f"task_template[0].priority: Must be at most {MAX_INT32}."
    )
    assert stored(world) == before


# --- the safety net ---------------------------------------------------------------------------


class DuplicateProjectTypeView(APIView):
    """Writes what a unique constraint refuses, as a view missing a check would."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def post(self, request):
        with transaction.atomic():  # as a service would
            ProjectType.objects.create(code="twice", name="first")
            ProjectType.objects.create(code="twice", name="second")


class OutOfRangeView(APIView):
    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def post(self, request):
        raise DataError('value "1099511627776" is out of range for type integer')


# The views above, served at /api/ through the whole middleware and DRF stack.
urlpatterns = [
    path("api/duplicate", DuplicateProjectTypeView.as_view()),
    path("api/out-of-range", OutOfRangeView.as_view()),
]


@pytest.mark.urls(__name__)
def test_an_integrity_error_that_slips_through_is_409_without_the_database_text(anon, caplog):
    with caplog.at_level(logging.ERROR, logger="core.exceptions"):
        response = anon.post("/api/duplicate")
    assert error(response, 409) == "Conflict with existing data"
    assert response.json()["data"] is None
    assert "unique" not in response.content.decode().lower()
    assert not ProjectType.objects.filter(code="twice").exists()
    [record] = [r for r in caplog.records if r.name == "core.exceptions"]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "Database refused the input in DuplicateProjectTypeView"
    assert record.exc_info is not None


@pytest.mark.urls(__name__)
def test_a_data_error_that_slips_through_is_400_without_the_database_text(anon, caplog):
    with caplog.at_level(logging.ERROR, logger="core.exceptions"):
        response = anon.post("/api/out-of-range")
    assert error(response, 400) == "Invalid input for the database"
    assert "1099511627776" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "core.exceptions"]
    assert (record.levelno, record.exc_info[0]) == (logging.ERROR, DataError)


def test_a_url_longer_than_the_limit_is_a_414_in_the_envelope(api, settings):
    settings.SHORTSGEN_MAX_URL_BYTES = 2048
    response = api.get("/api/inspirations/?title=" + "a" * 2100)
    assert response.status_code == 414
    assert response.json() == {
        "code": 414,
        "msg": "URL longer than 2048 bytes (path and query)",
        "data": None,
    }


def test_a_url_within_the_limit_is_served(api, settings):
    settings.SHORTSGEN_MAX_URL_BYTES = 2048
    response = api.get("/api/inspirations/?title=" + "a" * 1900)
    assert response.status_code == 200
