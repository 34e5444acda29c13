import pytest

from core.testing import error, ok
from projects.models import Project, ProjectType
from tasks.models import Task

SCHEMA = {
    "type": "object",
    "properties": {
        "duration_seconds": {"type": "integer", "minimum": 10, "maximum": 180},
        "aspect_ratio": {"enum": ["9:16", "16:9"]},
    },
    "required": ["duration_seconds"],
}
TEMPLATE = [
    {"key": "script", "task_type": "script_generation", "depends_on": []},
    {"key": "voice", "task_type": "audio_generation", "depends_on": ["script"]},
    {"key": "video", "task_type": "video_generation", "depends_on": ["script"], "priority": 5},
    {"key": "compose", "task_type": "video_compose", "depends_on": ["voice", "video"]},
]
NEW_TYPE = {
    "code": "explainer",
    "name": "Explainer",
    "description": "A short explainer.",
    "category": "video",
    "sort_order": 5,
    "default_parameters": {"aspect_ratio": "9:16"},
    "parameter_schema": SCHEMA,
    "task_template": TEMPLATE,
    "execution_workflow_url": "https://n8n.example.com/webhook/execute",
}
TYPE_KEYS = {
    "id",
    *NEW_TYPE,
    "is_active",
    "inspiration_workflow_url",
    "transform_workflow_url",
    "created_at",
    "updated_at",
}


@pytest.fixture(autouse=True)
def _workflow_urls_allowed(may_set_workflow_urls, settings):
    # NEW_TYPE names an execution workflow: that needs the right and an allow-listed host.
    settings.N8N_ALLOWED_HOSTS = ["n8n.example.com"]


@pytest.fixture
def explainer(api):
    return ok(api.post("/api/project-types", NEW_TYPE, format="json"), 201)


def test_create_returns_the_type(explainer):
    assert set(explainer) == TYPE_KEYS
    assert explainer["code"] == "explainer"
    assert explainer["is_active"] is True
    assert explainer["task_template"] == TEMPLATE
    assert explainer["inspiration_workflow_url"] == ""


def test_detail_is_keyed_by_code(api, explainer):
    assert ok(api.get("/api/project-types/explainer")) == explainer
    assert ok(api.get("/api/project-types/explainer/")) == explainer


def test_unknown_code_is_404(api):
    assert error(api.get("/api/project-types/nope"), 404) == "Project type not found"
    assert error(api.put("/api/project-types/nope", {}, format="json"), 404)
    assert error(api.post("/api/project-types/nope/activate"), 404)


def test_duplicate_code_is_400(api, explainer):
    response = api.post("/api/project-types", NEW_TYPE, format="json")
    assert error(response, 400) == "code: A project type with this code already exists."


def test_code_must_be_a_slug_and_name_is_required(api):
    response = api.post("/api/project-types", {"code": "a b"}, format="json")
    message = error(response, 400)
    assert "code:" in message and "name: This field is required." in message


def test_list_is_ordered_by_sort_order_then_code(api, demo_types, explainer):
    data = ok(api.get("/api/project-types"))
    assert [t["code"] for t in data] == [
        "explainer",
        "video_generation",
        "tech_video",
        "image_post",
    ]


def test_list_filters_by_category(api, demo_types):
    data = ok(api.get("/api/project-types?category=image"))
    assert [t["code"] for t in data] == ["image_post"]


def test_list_filters_by_is_active(api, demo_types):
    ok(api.post("/api/project-types/tech_video/deactivate"))
    assert [t["code"] for t in ok(api.get("/api/project-types?is_active=false"))] == ["tech_video"]
    active = ok(api.get("/api/project-types?is_active=true"))
    assert "tech_video" not in {t["code"] for t in active}


def test_put_changes_only_what_is_sent(api, explainer):
    data = ok(api.put("/api/project-types/explainer", {"name": "Renamed"}, format="json"))
    assert data["name"] == "Renamed"
    assert data["task_template"] == TEMPLATE
    assert data["parameter_schema"] == SCHEMA


def test_delete_is_soft(api, explainer):
    data = ok(api.delete("/api/project-types/explainer"))
    assert data == {"message": "Project type deleted successfully"}
    assert error(api.get("/api/project-types/explainer"), 404)
    assert ProjectType.all_objects.get(code="explainer").deleted_at is not None
    # The code is free again.
    ok(api.post("/api/project-types", NEW_TYPE, format="json"), 201)


def test_deactivate_and_activate(api, explainer):
    assert ok(api.post("/api/project-types/explainer/deactivate"))["is_active"] is False
    # An inactive type creates projects without tasks.
    project = ok(
        api.post(
            "/projects",
            {"name": "p", "project_type": "explainer", "initial_parameters": {}},
            format="json",
        ),
        201,
    )
    assert project["tasks"] == []
    assert ok(api.post("/api/project-types/explainer/activate/"))["is_active"] is True


def test_categories_list(api, demo_types, explainer):
    ok(api.post("/api/project-types", {"code": "misc", "name": "No category"}, format="json"), 201)
    assert ok(api.get("/api/project-types/categories/list")) == ["image", "video"]


def test_sort_order_follows_the_given_codes(api, demo_types):
    body = {"codes": ["image_post", "video_generation"]}
    data = ok(api.post("/api/project-types/sort-order", body, format="json"))
    assert [(t["code"], t["sort_order"]) for t in data] == [
        ("image_post", 10),
        ("tech_video", 20),
        ("video_generation", 20),
    ]


def test_sort_order_with_an_unknown_code_changes_nothing(api, demo_types):
    body = {"codes": ["image_post", "nope"]}
    assert error(api.post("/api/project-types/sort-order", body, format="json"), 404) == (
        "Project types not found: nope"
    )
    assert ProjectType.objects.get(code="image_post").sort_order == 30


def test_sort_order_refuses_duplicates(api, demo_types):
    body = {"codes": ["image_post", "image_post"]}
    message = error(api.post("/api/project-types/sort-order", body, format="json"), 400)
    assert message == "codes: A code appears more than once."


def test_reserved_code_is_refused(api):
    body = {"code": "sort-order", "name": "x"}
    assert error(api.post("/api/project-types", body, format="json"), 400) == (
        "code: 'sort-order' is reserved."
    )


# --- parameter_schema ---------------------------------------------------------------------


def test_parameter_schema_must_be_a_valid_json_schema(api):
    body = {**NEW_TYPE, "parameter_schema": {"type": "integer", "minimum": "ten"}}
    message = error(api.post("/api/project-types", body, format="json"), 400)
    assert message.startswith("parameter_schema.minimum: 'ten' is not of type 'number'")
    assert not ProjectType.objects.filter(code="explainer").exists()


def test_parameter_schema_must_be_an_object(api):
    body = {**NEW_TYPE, "parameter_schema": ["type"]}
    message = error(api.post("/api/project-types", body, format="json"), 400)
    assert message == "parameter_schema: Must be a JSON object."


def test_initial_parameters_violating_the_schema_are_400_naming_the_field(api, explainer):
    body = {"name": "p", "project_type": "explainer", "initial_parameters": {"duration_seconds": 5}}
    message = error(api.post("/projects", body, format="json"), 400)
    assert message == "initial_parameters.duration_seconds: 5 is less than the minimum of 10"
    assert not Project.objects.exists()


def test_a_missing_required_parameter_is_400(api, explainer):
    body = {"name": "p", "project_type": "explainer", "initial_parameters": {}}
    message = error(api.post("/projects", body, format="json"), 400)
    assert message == "initial_parameters: 'duration_seconds' is a required property"


def test_the_merged_parameters_are_checked(api, explainer):
    parameters = {"duration_seconds": 30, "aspect_ratio": "1"}
    body = {"name": "p", "project_type": "explainer", "initial_parameters": parameters}
    message = error(api.post("/projects", body, format="json"), 400)
    assert message.startswith("initial_parameters.aspect_ratio: '1' is not one of")


def test_valid_parameters_create_the_graph_of_the_template(api, explainer):
    body = {
        "name": "p",
        "project_type": "explainer",
        "initial_parameters": {"duration_seconds": 30},
    }
    project = ok(api.post("/projects", body, format="json"), 201)
    assert project["initial_parameters"] == {"aspect_ratio": "9:16", "duration_seconds": 30}
    statuses = {t["task_type"]: t["status"] for t in project["tasks"]}
    assert statuses == {
        "script_generation": "pending",
        "audio_generation": "waiting",
        "video_generation": "waiting",
        "video_compose": "waiting",
    }


def test_regenerate_checks_the_merged_parameters(api, explainer):
    body = {
        "name": "p",
        "project_type": "explainer",
        "initial_parameters": {"duration_seconds": 30},
    }
    project = ok(api.post("/projects", body, format="json"), 201)
    response = api.post(
        f"/projects/{project['id']}/regenerate", {"duration_seconds": 999}, format="json"
    )
    assert error(response, 400) == (
        "initial_parameters.duration_seconds: 999 is greater than the maximum of 180"
    )
    stored = Project.objects.get(id=project["id"])
    assert (stored.status, stored.initial_parameters["duration_seconds"]) == ("pending", 30)


# --- task_template ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("script", 'task_template: Expected a list of items but got type "str".'),
        ([["script"]], "task_template[0]: Must be a JSON object."),
        (
            [{"key": "a", "task_type": "t", "colour": "red"}],
            "task_template[0]: Unknown key(s): colour.",
        ),
        ([{"task_type": "t"}], "task_template[0].key: Must be a non-empty string."),
        ([{"key": "a"}], "task_template[0].task_type: Must be a non-empty string."),
        (
            [{"key": "a", "task_type": "t"}, {"key": "a", "task_type": "u"}],
            "task_template[1].key: Key 'a' is used twice.",
        ),
        (
            [{"key": "a", "task_type": "t", "depends_on": ["b"]}],
            "task_template[0].depends_on: No entry with key 'b'.",
        ),
        (
            [{"key": "a", "task_type": "t", "depends_on": "b"}],
            "task_template[0].depends_on: Must be a list of keys.",
        ),
        (
            [{"key": "a", "task_type": "t", "max_attempts": 0}],
            "task_template[0].max_attempts: Must be at least 1.",
        ),
        (
            [{"key": "a", "task_type": "t", "task_input": [1]}],
            "task_template[0].task_input: Must be a JSON object.",
        ),
    ],
)
def test_task_template_is_checked(api, template, message):
    body = {**NEW_TYPE, "task_template": template}
    assert error(api.post("/api/project-types", body, format="json"), 400) == message
    assert not ProjectType.objects.exists()


def test_task_template_with_a_cycle_is_400(api):
    template = [
        {"key": "a", "task_type": "t", "depends_on": ["c"]},
        {"key": "b", "task_type": "t", "depends_on": ["a"]},
        {"key": "c", "task_type": "t", "depends_on": ["b"]},
    ]
    body = {**NEW_TYPE, "task_template": template}
    message = error(api.post("/api/project-types", body, format="json"), 400)
    assert message.startswith("task_template: Dependency cycle through")
    assert not ProjectType.objects.exists()


def test_update_checks_the_template_too(api, explainer):
    template = [{"key": "a", "task_type": "t", "depends_on": ["a"]}]
    response = api.put("/api/project-types/explainer", {"task_template": template}, format="json")
    assert error(response, 400).startswith("task_template: Dependency cycle")
    assert ProjectType.objects.get(code="explainer").task_template == TEMPLATE


def test_workflow_urls_must_be_urls(api):
    body = {**NEW_TYPE, "transform_workflow_url": "not a url"}
    assert error(api.post("/api/project-types", body, format="json"), 400) == (
        "transform_workflow_url: Enter a valid URL."
    )


def test_needs_a_token(anon):
    assert error(anon.get("/api/project-types"), 401)
    assert not Task.objects.exists()


def test_admin_refuses_a_template_with_a_cycle(db):
    from django.contrib.auth import get_user_model
    from django.test import Client

    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/projects/projecttype/add/",
        {
            "code": "loop",
            "name": "Loop",
            "sort_order": 0,
            "default_parameters": "{}",
            "parameter_schema": "null",
            "task_template": '[{"key": "a", "task_type": "t", "depends_on": ["a"]}]',
        },
    )
    assert response.status_code == 200
    assert "Dependency cycle" in response.content.decode()
    assert not ProjectType.all_objects.exists()
    assert client.get("/admin/projects/projecttype/").status_code == 200


def test_list_runs_a_constant_number_of_queries(api, demo_types):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            ok(api.get("/api/project-types"))
        return len(queries)

    few = count()
    for index in range(5):
        ok(api.post("/api/project-types", {"code": f"t{index}", "name": "t"}, format="json"), 201)
    assert count() == few


def test_admin_creates_deletes_and_restores_through_the_services(db):
    from django.contrib.auth import get_user_model
    from django.test import Client

    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/projects/projecttype/add/",
        {
            "code": "reel",
            "name": "Reel",
            "sort_order": 3,
            "default_parameters": '{"fps": 30}',
            "parameter_schema": "null",
            "task_template": '[{"key": "a", "task_type": "t"}]',
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reel = ProjectType.objects.get(code="reel")
    assert (reel.default_parameters, reel.sort_order) == ({"fps": 30}, 3)
    changelist = "/admin/projects/projecttype/"
    confirm = client.post(changelist, {"action": "soft_delete", "_selected_action": [reel.id]})
    assert "Nothing is cascaded" in confirm.content.decode()
    assert ProjectType.objects.filter(code="reel").exists()
    client.post(changelist, {"action": "soft_delete", "_selected_action": [reel.id], "post": "yes"})
    assert not ProjectType.objects.filter(code="reel").exists()
    client.post(f"{changelist}?deleted=yes", {"action": "restore", "_selected_action": [reel.id]})
    assert ProjectType.objects.filter(code="reel").exists()
