"""Every page of every registered model admin, and bad input in every one of its forms: never a
500; and no admin keeps a way to hard-delete a row."""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from core.admin_forms import ConsoleJSONField
from core.admin_soft_delete import DeletedListFilter, ServiceDeleteAdmin, SoftDeleteAdmin
from core.models import IdempotencyRecord
from core.testing_console import form_data
from core.tests.console_factory import console_factory

# The two rows the console may really delete, each a lock rather than a record of the
# business (docs/console.md): a cache entry that holds an idempotency key, and a sign-in lockout.
REAL_DELETE_ALLOWED = {"core.idempotencyrecord", "axes.accessattempt"}


@pytest.fixture
def factory(db):
    return console_factory()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw")


@pytest.fixture
def console(client, superuser):
    client.force_login(superuser)
    return client


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def request_of(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def some_row(model, model_admin, user):
    rows = model_admin.get_queryset(request_of(user))
    if hasattr(model, "deleted_at"):
        rows = rows.filter(deleted_at__isnull=True)
    return rows.order_by("pk").first()


def bad_values(field) -> list[str]:
    if isinstance(field, ConsoleJSONField):
        return ['{"a": 1,,}', "[1, 2]", '{"a": "\\u0000"}', '{"a": NaN}', "[" * 100 + "]" * 100]
    if isinstance(field, forms.BooleanField):
        return []
    if isinstance(field, forms.IntegerField):
        return ["99999999999999999999", "-99999999999999999999", "-1", "x"]
    if isinstance(field, forms.FloatField):
        return ["1e999", "-5", "nan", "x"]
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return ["999999999"]
    if isinstance(field, forms.ModelChoiceField):
        return ["999999999", "x"]
    if isinstance(field, forms.ChoiceField):
        return ["not-a-choice", ""]
    if isinstance(field, forms.CharField):
        return ["bad\x00value", "x" * 5000, "", "categories", "a" * 64]
    return ["\x00", "not a value"]


def test_every_list_add_change_history_and_delete_page_opens(console, factory, superuser):
    for model, model_admin in registered():
        request = request_of(superuser)
        assert console.get(url(model, "changelist")).status_code == 200, model
        if hasattr(model, "deleted_at"):
            for shown in ("no", "yes", "all"):
                page = console.get(url(model, "changelist") + f"?deleted={shown}")
                assert page.status_code == 200, (model, shown)
        if model_admin.has_add_permission(request):
            assert console.get(url(model, "add")).status_code == 200, model
        row = some_row(model, model_admin, superuser)
        if row is None:
            continue
        assert console.get(url(model, "change", row.pk)).status_code == 200, model
        assert console.get(url(model, "history", row.pk)).status_code == 200, model
        if model_admin.has_delete_permission(request, row):
            assert console.get(url(model, "delete", row.pk)).status_code == 200, model


def test_bad_input_in_every_add_and_change_form_never_answers_500(console, factory, superuser):
    posted = 0
    for model, model_admin in registered():
        request = request_of(superuser)
        pages = []
        if model_admin.has_add_permission(request):
            pages.append(url(model, "add"))
        row = some_row(model, model_admin, superuser)
        if row is not None and model_admin.has_change_permission(request, row):
            pages.append(url(model, "change", row.pk))
        for page in pages:
            shown = console.get(page)
            form = shown.context["adminform"].form
            valid = form_data(shown.content.decode())
            for name, field in form.fields.items():
                for bad in bad_values(field):
                    response = console.post(page, {**valid, name: bad})
                    posted += 1
                    assert response.status_code < 500, (page, name, bad)
    assert posted > 300


def test_no_admin_can_hard_delete_a_row(factory, superuser):
    request = request_of(superuser)
    for model, model_admin in registered():
        label = model._meta.label_lower
        for inline in model_admin.get_inline_instances(request):
            assert not (inline.can_delete and inline.has_delete_permission(request)), label
        if label in REAL_DELETE_ALLOWED:
            continue
        actions = model_admin.get_actions(request)
        assert "delete_selected" not in actions, label
        if model_admin.has_delete_permission(request):
            # The red button and the bulk action call the app's service (never Model.delete).
            assert isinstance(model_admin, ServiceDeleteAdmin), label
            assert type(model_admin).delete_row is not ServiceDeleteAdmin.delete_row, label


def test_the_delete_button_of_every_admin_keeps_the_row(console, factory, superuser):
    request = request_of(superuser)
    deleted = 0
    for model, model_admin in registered():
        if model._meta.label_lower in REAL_DELETE_ALLOWED:
            continue
        row = some_row(model, model_admin, superuser)
        if row is None or not model_admin.has_delete_permission(request, row):
            continue
        response = console.post(url(model, "delete", row.pk), {"post": "yes"})
        assert response.status_code == 302, model
        manager = getattr(model, "all_objects", model._default_manager)
        assert manager.filter(pk=row.pk).exists(), model
        deleted += 1
    assert deleted >= 6  # project type, project, inspiration, account, asset, worker config


def test_idempotency_records_are_the_documented_real_delete(console, factory):
    record = IdempotencyRecord.objects.get()
    console.post(url(IdempotencyRecord, "delete", record.pk), {"post": "yes"})
    assert not IdempotencyRecord.objects.exists()


def test_every_soft_deleted_model_lists_live_rows_by_default(superuser):
    for model, model_admin in registered():
        if not hasattr(model, "deleted_at"):
            continue
        assert isinstance(model_admin, SoftDeleteAdmin) or model._meta.label == "tasks.Task"
        assert DeletedListFilter in model_admin.list_filter, model


def test_every_list_action_on_every_row_never_answers_500(console, factory, superuser):
    request = request_of(superuser)
    ran = 0
    for model, model_admin in registered():
        changelist = url(model, "changelist")
        if hasattr(model, "deleted_at"):
            changelist += "?deleted=all"
        pks = list(model_admin.get_queryset(request).values_list("pk", flat=True))
        for action in model_admin.get_actions(request):
            chosen = {"action": action, "_selected_action": pks, "index": 0}
            assert console.post(changelist, chosen).status_code < 500, (model, action)
            confirmed = console.post(changelist, {**chosen, "post": "yes"})
            assert confirmed.status_code < 500, (model, action)
            ran += 1
    assert ran >= 15
