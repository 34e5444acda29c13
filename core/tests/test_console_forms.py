"""Bad input in every form of the console, in a real browser: the error beside the field, the
typed text still there, never a 5xx (the `console` fixture fails the test on any 5xx)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from core.tests.console_factory import console_factory

pytestmark = pytest.mark.browser

BROKEN_JSON = '{\n  "fps": 30,\n  "size": [1, 2,,]\n}'
BROKEN_JSON_ERROR = "Line 3, column 17: Expecting value"
NUL_TEXT = "bad\x00value"


def form_pages():
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username="ops")
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda i: str(i[0])):
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if model_admin.has_add_permission(request):
            yield reverse(f"{prefix}_add")
        rows = model_admin.get_queryset(request)
        if hasattr(model, "deleted_at"):
            rows = rows.filter(deleted_at__isnull=True)
        row = rows.order_by("pk").first()
        if row is not None and model_admin.has_change_permission(request, row):
            yield reverse(f"{prefix}_change", args=[row.pk])


def submit(console):
    with console.page.expect_navigation():
        console.page.locator("#content-main form [name=_save]").click()


def assert_error_beside(console, name: str, message: str, typed: str) -> None:
    page = console.page
    assert page.locator(".errornote").count() == 1
    beside = page.locator(f".field-{name} .errorlist")
    assert message in beside.inner_text(), (page.url, name, beside.all_inner_texts())
    # HTML cannot carry a NUL: the browser reads the one sent back as U+FFFD.
    assert page.locator(f"#id_{name}").input_value() == typed.replace("\x00", "\ufffd")


def test_bad_input_in_every_form_is_an_error_beside_the_field(console):
    console_factory()
    checked = []
    for path in form_pages():
        console.open(path)
        page = console.page
        editors = page.locator("#content-main form textarea.json-editor")
        texts = page.locator("#content-main form input[type=text][required]")
        if editors.count():
            name = editors.first.get_attribute("name")
            if name == "credentials":
                continue  # a secret: never sent back, checked on its own below
            editors.first.fill(BROKEN_JSON)
            submit(console)
            assert_error_beside(console, name, BROKEN_JSON_ERROR, BROKEN_JSON)
        elif texts.count():
            name = texts.first.get_attribute("name")
            texts.first.fill(NUL_TEXT)
            submit(console)
            assert_error_beside(console, name, "Null characters are not allowed.", NUL_TEXT)
        else:
            continue
        checked.append(path)
        if len(checked) == 1:
            console.shot("json-error-beside-the-field")
    assert len(checked) >= 12, checked


KNOWN_CASES = [
    # (page, {field: typed}, field of the error, the error)
    (
        "/admin/projects/projecttype/add/",
        {"code": "reel", "name": "Second reel"},
        "code",
        "A project type with this code already exists.",
    ),
    (
        "/admin/projects/projecttype/add/",
        {"code": "categories", "name": "Categories"},
        "code",
        "'categories' is reserved.",
    ),
    (
        "/admin/inspirations/inspiration/add/",
        {"title": "Fast cats", "parameters": '{"fps": "fast"}'},
        "parameters",
        "fps: 'fast' is not of type 'integer'",
    ),
    (
        "/admin/workerconfigs/workerconfig/add/",
        {"config_name": "x", "config_type": "x", "worker_type": "x", "config_data": "[1]"},
        "config_data",
        "Must be a JSON object.",
    ),
    (
        "/admin/assets/asset/add/",
        {"name": "copy", "file_hash": "a" * 64},
        "file_hash",
        "An asset with this file_hash already exists.",
    ),
]


def test_the_services_refusals_appear_beside_their_field(console):
    made = console_factory()
    project_page = reverse("admin:projects_project_change", args=[made.rows["project"].pk])
    cases = [
        *KNOWN_CASES,
        (project_page, {"initial_parameters": "[1, 2]"}, "initial_parameters", "JSON object"),
        (
            project_page,
            {"initial_parameters": '{"fps": 0}'},
            "initial_parameters",
            "fps: 0 is less than the minimum of 1",
        ),
    ]
    for index, (path, typed, field, error) in enumerate(cases):
        console.open(path)
        page = console.page
        if path.endswith("/inspiration/add/"):
            page.select_option("#id_project_type_code", "reel")
        if path.endswith("/asset/add/"):
            page.select_option("#id_asset_type", "video")
        for name, text in typed.items():
            page.fill(f"#id_{name}", text)
        submit(console)
        assert_error_beside(console, field, error, typed[field])
        for name, text in typed.items():
            assert page.locator(f"#id_{name}").input_value() == text
        console.shot(f"refused-{index}-{field}")


def test_credentials_are_a_fingerprint_and_a_typed_secret_is_not_sent_back(console):
    made = console_factory()
    account = made.rows["account"]
    console.open(reverse("admin:accounts_platformaccount_change", args=[account.pk]))
    page = console.page
    assert "api_key …CRET" in page.locator(".field-masked_credentials").inner_text()
    page.fill("#id_credentials", '{"api_key": "sk-new-secret-123456",}')
    submit(console)
    assert "Line 1, column 36" in page.locator(".field-credentials .errorlist").inner_text()
    assert page.locator("#id_credentials").input_value() == ""
    assert "sk-new-secret-123456" not in page.content()
    console.shot("credentials")


def test_the_red_delete_button_lists_what_goes_with_a_project(console):
    made = console_factory()
    project = made.rows["project"]
    console.open(reverse("admin:projects_project_change", args=[project.pk]))
    with console.page.expect_navigation():
        console.page.locator("a.deletelink").click()
    listing = console.page.locator("#deleted-objects").inner_text()
    assert "Its 2 task(s), soft-deleted with it" in listing
    console.shot("soft-delete-confirmation")
    with console.page.expect_navigation():
        console.page.locator("input[type=submit]").click()
    project.refresh_from_db()
    assert project.deleted_at is not None
