"""The console's forms: one JSON field for every JSON value, and refusals beside the field.

Every admin save goes through the app's services; what a service refuses (ApplicationError)
or the database refuses (a unique constraint) is shown on the form again, beside the field it
is about, with what the operator typed. No admin page answers 500 for input.
"""

import json
import re
from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models

from core.admin_audit import AuditHistoryAdmin
from core.exceptions import DATABASE_CONFLICT, DATABASE_INVALID_INPUT, ApplicationError
from core.fields import NOT_AN_OBJECT
from core.parsers import MAX_JSON_DEPTH, TOO_DEEP, character_problem, nested_deeper_than

NOT_A_LIST = "Must be a JSON list."
MIN_ROWS, MAX_ROWS = 3, 30
# "parameters.duration: 5 is less than..." names the field `parameters`.
FIELD_PREFIX = re.compile(
    r"^(?P<field>[A-Za-z_][A-Za-z0-9_]*)(?P<rest>(?:[.\[][^:]*)?): (?P<reason>.+)$", re.S
)


class TypedJSON(str):
    """The text the operator typed, shown back as typed (valid JSON or not)."""


class JSONEditor(forms.Textarea):
    """A monospace text area as tall as its content (capped), lines never wrapped."""

    def __init__(self, attrs=None):
        base = {
            "class": "vLargeTextField json-editor",
            "spellcheck": "false",
            "autocomplete": "off",
            "wrap": "off",
            "style": "font-family: ui-monospace, Menlo, Consolas, monospace; "
            "width: 100%; max-width: 64em; tab-size: 2;",
        }
        super().__init__({**base, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        text = context["widget"]["value"] or ""
        context["widget"]["attrs"]["rows"] = min(max(text.count("\n") + 2, MIN_ROWS), MAX_ROWS)
        return context


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"Number out of range: {literal[:32]}")
    return value


class ConsoleJSONField(forms.JSONField):
    """JSON as people read it: indented, blank for "nothing", errors with line and column.

    `shape` is the kind of value the field holds (dict or list, None for any); a blank field
    means `empty_value`. A secret (`show_typed=False`) is never sent back to the browser, not
    even as typed when the form has errors.
    """

    widget = JSONEditor
    default_error_messages = {"not_an_object": NOT_AN_OBJECT, "not_a_list": NOT_A_LIST}

    def __init__(
        self, *, shape: type | None = dict, empty_value=None, show_typed: bool = True, **kwargs
    ):
        kwargs.setdefault("required", False)
        kwargs.pop("show_hidden_initial", None)  # a callable default must not add a hidden twin
        super().__init__(**kwargs)
        self.shape = shape
        self.empty_value = empty_value
        self.show_typed = show_typed

    def to_python(self, value):
        if self.disabled:
            return value
        if not isinstance(value, str):
            return value if value is not None else self._empty()
        if not value.strip():
            return self._empty()
        try:
            parsed = json.loads(value, parse_constant=_refuse_constant, parse_float=_finite_float)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"Line {exc.lineno}, column {exc.colno}: {exc.msg}", code="invalid"
            ) from None
        except RecursionError:
            raise ValidationError(TOO_DEEP, code="invalid") from None
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from None
        self._check(parsed)
        return parsed

    def _check(self, value) -> None:
        if value is None:
            if self._empty() is not None:
                raise ValidationError(f"Leave it empty or write a JSON {self._shape_name()}.")
            return
        if nested_deeper_than(value, MAX_JSON_DEPTH):
            raise ValidationError(TOO_DEEP, code="invalid")
        problem = character_problem(value)
        if problem is not None:
            path, reason = problem
            raise ValidationError(f"{path}: {reason}" if path else reason, code="invalid")
        if self.shape is dict and not isinstance(value, dict):
            raise ValidationError(self.error_messages["not_an_object"], code="not_an_object")
        if self.shape is list and not isinstance(value, list):
            raise ValidationError(self.error_messages["not_a_list"], code="not_a_list")

    def _shape_name(self) -> str:
        return {dict: "object", list: "list"}.get(self.shape, "value")

    def _empty(self):
        return self.empty_value() if callable(self.empty_value) else self.empty_value

    def bound_data(self, data, initial):
        if self.disabled:
            return initial
        if data is None or not self.show_typed:
            return None
        return TypedJSON(data)

    def prepare_value(self, value):
        if isinstance(value, TypedJSON | forms.fields.InvalidJSONInput):
            return value
        if value is None:
            return ""
        return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)

    def has_changed(self, initial, data):
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        return json.dumps(initial, sort_keys=True, cls=self.encoder) != json.dumps(
            data, sort_keys=True, cls=self.encoder
        )


def console_json_formfield(db_field: models.JSONField, **kwargs) -> ConsoleJSONField:
    """The console's field for a model's JSONField: its shape and blank value from the model."""
    default = db_field.default
    shape = list if default is list else dict
    empty_value = None if db_field.null else default if callable(default) else None
    kwargs.setdefault("shape", shape)
    kwargs.setdefault("empty_value", empty_value)
    return db_field.formfield(form_class=ConsoleJSONField, **kwargs)


def stored_value_choice_field(choices, *, stored, **kwargs) -> forms.TypedChoiceField:
    """A select of the known values; a stored value outside them stays selectable (old rows
    still save), and blank means None."""
    options = [("", "---------"), *choices]
    if stored and stored not in {value for value, _ in choices}:
        options.append((stored, f"{stored} (not a known value)"))
    return forms.TypedChoiceField(choices=options, required=False, empty_value=None, **kwargs)


class RefusedSave(Exception):
    """A save the services or the database refused, as (field or None, message) pairs."""

    def __init__(self, errors: list[tuple[str | None, str]]):
        super().__init__(errors)
        self.errors = errors


def refusal_errors(exc: ApplicationError, field_names) -> list[tuple[str | None, str]]:
    """Where each part of a service's refusal goes: beside the field it names, else on top."""
    if exc.field:
        return [(exc.field if exc.field in field_names else None, exc.message)]
    parts = exc.message.split("; ")
    matches = [FIELD_PREFIX.match(part) for part in parts]
    if not all(matches):
        parts, matches = [exc.message], [FIELD_PREFIX.match(exc.message)]
    errors = []
    for part, match in zip(parts, matches, strict=True):
        if match and match["field"] in field_names:
            rest = match["rest"].lstrip(".")
            reason = f"{rest}: {match['reason']}" if rest else match["reason"]
            errors.append((match["field"], reason))
        else:
            errors.append((None, part))
    return errors


def integrity_errors(exc: Exception, model) -> list[tuple[str | None, str]]:
    """A constraint the database enforced, told in the constraint's own words."""
    if isinstance(exc, DataError):
        return [(None, DATABASE_INVALID_INPUT)]
    cause = getattr(exc, "__cause__", None)
    name = getattr(getattr(cause, "diag", None), "constraint_name", None)
    text = str(exc)
    for constraint in model._meta.constraints:
        fields = list(getattr(constraint, "fields", ()) or ())
        columns = [f"{model._meta.db_table}.{model._meta.get_field(f).column}" for f in fields]
        named = name == constraint.name or constraint.name in text
        sqlite_named = columns and all(column in text for column in columns)
        if named or sqlite_named:
            message = str(constraint.violation_error_message or DATABASE_CONFLICT)
            message = message.replace("%(name)s", constraint.name)
            return [(fields[0] if len(fields) == 1 else None, message)]
    return [(None, DATABASE_CONFLICT)]


def form_with_refusal(form_class, errors):
    """The same form, with the refusal of the last save attached beside its fields."""

    class RefusedForm(form_class):
        def _post_clean(self):
            super()._post_clean()
            for field, message in errors:
                self.add_error(field if field in self.fields else None, message)

    RefusedForm.__name__ = form_class.__name__
    return RefusedForm


@contextmanager
def refusals_as_form_errors(form, model):
    """Turn a service's or the database's refusal inside the block into RefusedSave."""
    try:
        yield
    except ApplicationError as exc:
        raise RefusedSave(refusal_errors(exc, set(form.fields))) from exc
    except (IntegrityError, DataError) as exc:
        raise RefusedSave(integrity_errors(exc, model)) from exc


class ConsoleFormAdmin(AuditHistoryAdmin):
    """Humane JSON fields, and saves whose refusals come back as form errors (never a 500).

    A refused save raises RefusedSave out of the admin's transaction (so nothing of it is
    kept), and the page is built again from the same POST with the refusal attached to the
    form: the operator sees the reason beside the field and everything they typed.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField):
            return console_json_formfield(db_field, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RefusedSave as refused:
            request.console_refusal = refused.errors
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "console_refusal", None)
        return form_with_refusal(form, refusal) if refusal else form

    def save_model(self, request, obj, form, change):
        with refusals_as_form_errors(form, self.model):
            saved = self.save_through_services(request, obj, form, change)
        # The admin goes on with `obj` (log entry, redirect): give it what the service saved.
        for field in self.model._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))

    def save_through_services(self, request, obj, form, change):
        """Save through the app's services and return the saved row (default: Django's)."""
        obj.save()
        return obj
