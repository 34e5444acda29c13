"""One convention for the query parameters of every list (core/filters.py): a bad value of a
choice, boolean or id parameter is a 400 naming the parameter and what it takes; text
parameters match exactly. Every list's parameters are read from the OpenAPI schema, so a new
filter is walked too."""

import django_filters
import pytest
from drf_spectacular.generators import SchemaGenerator

from core.filters import ChoiceFilter, FilterSet, IdFilter, StrictBooleanFilter
from core.testing import error, ok
from inspirations.models import Inspiration
from projects.models import Project
from tasks.models import Task
from workerconfigs.models import WorkerConfig

# Every filter of every list (skip and limit are pagination's, tested in test_pagination.py).
FILTERS = {
    ("/api/assets", "asset_type"): "choice",
    ("/api/assets", "status"): "choice",
    ("/api/assets", "visibility"): "choice",
    ("/api/inspirations", "project_type_code"): "text",
    ("/api/inspirations", "source"): "text",
    ("/api/inspirations", "status"): "choice",
    ("/api/platform-accounts", "platform"): "choice",
    ("/api/platform-accounts", "status"): "choice",
    ("/api/project-types", "category"): "text",
    ("/api/project-types", "is_active"): "boolean",
    ("/api/tasks", "commit_id"): "text",
    ("/api/tasks", "project_id"): "id",
    ("/api/tasks", "status"): "choice",
    ("/api/tasks", "task_type"): "text",
    ("/api/worker-configs", "config_type"): "text",
    ("/api/worker-configs", "is_active"): "boolean",
    ("/api/worker-configs", "worker_type"): "text",
    ("/projects", "inspiration_id"): "id",
    ("/projects", "project_type"): "text",
    ("/projects", "status"): "choice",
}


def kind(parameter: dict) -> str:
    schema = parameter["schema"]
    if schema.get("type") == "array" and "enum" in schema["items"]:
        return "choice"
    return {"boolean": "boolean", "integer": "id", "string": "text"}[schema["type"]]


def schema_filters() -> dict[tuple[str, str], dict]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path.rstrip("/"), parameter["name"]): parameter
        for path, item in schema["paths"].items()
        if "get" in item and not path.startswith("/api/projects")
        for parameter in item["get"].get("parameters", [])
        if parameter["in"] == "query" and parameter["name"] not in ("skip", "limit")
    }


def of_kind(wanted: str) -> list[tuple[str, str, dict]]:
    return [
        (path, name, parameter)
        for (path, name), parameter in schema_filters().items()
        if kind(parameter) == wanted
    ]


def test_the_schema_shows_every_filter_with_its_kind(db):
    found = {key: kind(parameter) for key, parameter in schema_filters().items()}
    assert found == FILTERS


def test_every_choice_filter_takes_its_values_and_refuses_others_listing_them(api):
    for path, name, parameter in of_kind("choice"):
        values = parameter["schema"]["items"]["enum"]
        ok(api.get(f"{path}?{name}={values[0]}&{name}={values[-1]}"))
        for bad in ("bogus", ""):
            message = error(api.get(f"{path}?{name}={bad}"), 400)
            prefix = f'{name}: "{bad}" is not a valid choice. Valid choices: '
            assert message.startswith(prefix), (path, message)
            assert sorted(message[len(prefix) : -1].split(", ")) == sorted(values), message


def test_every_boolean_filter_takes_true_false_1_0_and_refuses_others(api):
    for path, name, _ in of_kind("boolean"):
        for good in ("true", "false", "1", "0", "TRUE", "False"):
            ok(api.get(f"{path}?{name}={good}"))
        for bad in ("maybe", "yes", "on", "", "null", "2"):
            assert error(api.get(f"{path}?{name}={bad}"), 400) == (
                f"{name}: Must be true or false."
            ), (path, bad)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("abc", "Enter a whole number."),
        ("1.5", "Enter a whole number."),
        ("1.0", "Enter a whole number."),
        ("+1", "Enter a whole number."),
        ("", "Enter a whole number."),
        ("0", "Ensure this value is greater than or equal to 1."),
        ("-1", "Enter a whole number."),
    ],
)
def test_every_id_filter_refuses_what_is_not_an_id(api, value, reason):
    for path, name, _ in of_kind("id"):
        ok(api.get(f"{path}?{name}=1"))
        assert error(api.get(f"{path}?{name}={value}"), 400) == f"{name}: {reason}", path


def test_every_id_filter_finds_nothing_past_bigint(api):
    Project.objects.create(name="p", project_type="x")
    for path, name, _ in of_kind("id"):
        response = api.get(f"{path}?{name}={'9' * 20}")
        assert ok(response) == [], path
        assert response["X-Total-Count"] == "0"


def test_every_text_filter_matches_exactly_and_an_unknown_value_finds_nothing(api):
    Project.objects.create(name="p", project_type="x")
    for path, name, _ in of_kind("text"):
        response = api.get(f"{path}?{name}=no-such-value")
        assert ok(response) == [], path
        assert response["X-Total-Count"] == "0"
        # An empty text value is no filter.
        assert ok(api.get(f"{path}?{name}=")) == ok(api.get(path)), path


def test_a_project_type_code_filters_projects_and_inspirations_alike(api):
    project = Project.objects.create(name="p", project_type="tech_video")
    Project.objects.create(name="q", project_type="other")
    inspiration = Inspiration.objects.create(title="i", project_type_code="tech_video")
    Inspiration.objects.create(title="j", project_type_code="other")
    assert [p["id"] for p in ok(api.get("/projects?project_type=tech_video"))] == [project.id]
    rows = ok(api.get("/api/inspirations?project_type_code=tech_video"))
    assert [i["id"] for i in rows] == [inspiration.id]
    # A code no project type has (yet) is not an error: a project may carry any code.
    assert ok(api.get("/projects?project_type=unknown")) == []
    assert ok(api.get("/api/inspirations?project_type_code=unknown")) == []


def test_the_base_filterset_makes_strict_filters_from_meta_fields():
    class Tasks(FilterSet):
        project_id = IdFilter()

        class Meta:
            model = Task
            fields = ["project_id", "status", "task_type"]

    class Configs(FilterSet):
        class Meta:
            model = WorkerConfig
            fields = ["is_active"]

    assert isinstance(Tasks.base_filters["project_id"], IdFilter)
    assert isinstance(Tasks.base_filters["status"], ChoiceFilter)
    assert Tasks.base_filters["status"].extra["choices"] == Task.Status.choices
    assert isinstance(Configs.base_filters["is_active"], StrictBooleanFilter)


BOOLEAN_FILTERS = [key for key, filter_kind in FILTERS.items() if filter_kind == "boolean"]


@pytest.mark.parametrize(("path", "name"), BOOLEAN_FILTERS)
def test_a_boolean_filter_refuses_maybe_naming_the_parameter(api, path, name):
    assert error(api.get(f"{path}?{name}=maybe"), 400) == f"{name}: Must be true or false."


def test_every_filterset_of_the_api_is_cores_with_strict_booleans(db):
    from django.urls import get_resolver

    filtersets = set()
    for pattern in get_resolver().url_patterns:
        for resolved in getattr(pattern, "url_patterns", [pattern]):
            view = getattr(resolved.callback, "cls", None)
            if getattr(view, "filterset_class", None) is not None:
                filtersets.add(view.filterset_class)
    assert len(filtersets) >= 6, filtersets
    for filterset in filtersets:
        assert issubclass(filterset, FilterSet), filterset
        for name, declared in filterset.base_filters.items():
            if isinstance(declared, django_filters.BooleanFilter):
                assert isinstance(declared, StrictBooleanFilter), (filterset, name)
