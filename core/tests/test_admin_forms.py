"""The console's JSON field and how service refusals find their field."""

import pytest
from django.core.exceptions import ValidationError

from core.admin_forms import ConsoleJSONField, integrity_errors, refusal_errors
from core.exceptions import ApplicationError
from core.testing import collect_garbage_first
from projects.models import ProjectType


def errors_of(field, text):
    with pytest.raises(ValidationError) as caught:
        field.clean(text)
    return caught.value.messages


def test_a_syntax_error_says_line_and_column():
    assert errors_of(ConsoleJSONField(), '{\n  "a": 1\n  "b": 2\n}') == [
        "Line 3, column 3: Expecting ',' delimiter"
    ]


def test_blank_is_the_empty_value_and_never_null():
    assert ConsoleJSONField(empty_value=dict).clean("  ") == {}
    assert ConsoleJSONField(empty_value=None).clean("") is None
    assert ConsoleJSONField().prepare_value(None) == ""


def test_null_is_refused_where_the_value_cannot_be_null():
    assert ConsoleJSONField(empty_value=None).clean("null") is None
    assert errors_of(ConsoleJSONField(empty_value=dict), "null") == [
        "Leave it empty or write a JSON object."
    ]


def test_the_shape_is_checked():
    assert errors_of(ConsoleJSONField(shape=dict), "[1, 2]") == ["Must be a JSON object."]
    assert errors_of(ConsoleJSONField(shape=list), "{}") == ["Must be a JSON list."]
    assert ConsoleJSONField(shape=list).clean("[1]") == [1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": NaN}', "NaN is not valid JSON"),
        ('{"a": 1e999}', "Number out of range: 1e999"),
        ('{"a": "x\\u0000"}', "a: Null characters are not allowed."),
        ('{"a": "\\ud800"}', "a: Surrogate characters are not allowed: U+D800."),
        ("[" * 65 + "]" * 65, "Nested deeper than 64 levels."),
        ("[" * 100000 + "]" * 100000, "Nested deeper than 64 levels."),
    ],
)
def test_what_the_database_cannot_store_is_refused(text, message):
    collect_garbage_first()
    assert errors_of(ConsoleJSONField(shape=None), text) == [message]


def test_values_are_indented_by_two_in_their_key_order():
    shown = ConsoleJSONField().prepare_value({"b": 1, "a": {"c": "é"}})
    assert shown == '{\n  "b": 1,\n  "a": {\n    "c": "é"\n  }\n}'


def test_the_text_area_grows_with_the_content_up_to_a_cap():
    field = ConsoleJSONField()

    def rows(value):
        return field.widget.get_context("x", field.prepare_value(value), {})["widget"]["attrs"][
            "rows"
        ]

    assert rows({}) == 3
    assert rows({str(i): i for i in range(10)}) == 13
    assert rows({str(i): i for i in range(500)}) == 30


def test_typed_text_is_shown_back_as_typed():
    field = ConsoleJSONField()
    typed = '{"a":   1,,}'
    assert field.prepare_value(field.bound_data(typed, None)) == typed
    assert ConsoleJSONField(show_typed=False).bound_data(typed, None) is None


def test_a_refusal_goes_beside_the_field_it_names():
    fields = {"code", "task_template"}
    assert refusal_errors(ApplicationError("code: taken."), fields) == [("code", "taken.")]
    assert refusal_errors(ApplicationError("task_template[0].key: bad"), fields) == [
        ("task_template", "[0].key: bad")
    ]
    assert refusal_errors(ApplicationError("other: x"), fields) == [(None, "other: x")]
    assert refusal_errors(ApplicationError("Nope", field="code"), fields) == [("code", "Nope")]
    assert refusal_errors(ApplicationError("code: a; task_template: b"), fields) == [
        ("code", "a"),
        ("task_template", "b"),
    ]


def test_a_unique_constraint_is_told_in_its_own_words():
    class Refused(Exception):
        pass

    exc = Refused("UNIQUE constraint failed: projects_projecttype.code")
    assert integrity_errors(exc, ProjectType) == [
        ("code", "A project type with this code already exists.")
    ]
    assert integrity_errors(Refused("something else"), ProjectType) == [
        (None, "Conflict with existing data")
    ]
