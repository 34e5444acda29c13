from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# Beyond PostgreSQL's bigint, an id can only be unknown; refusing it here keeps the
# database from raising a DataError (a 500) on the lookup.
MAX_ID = 2**63 - 1
# The range of a models.IntegerField column (PostgreSQL's integer): a value beyond it is
# refused as input, never sent to the database.
MIN_INT32, MAX_INT32 = -(2**31), 2**31 - 1
# What a JSON value that must be an object says otherwise, in the API and in the console.
NOT_AN_OBJECT = "Must be a JSON object."


@extend_schema_field({"type": "object", "additionalProperties": True})
class JSONObjectField(serializers.JSONField):
    """A JSON field that must hold an object (or null where allowed): never a list or a number."""

    default_error_messages = {"not_an_object": NOT_AN_OBJECT}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            self.fail("not_an_object")
        return value


class IdField(serializers.IntegerField):
    """An integer id: positive and within bigint, strings of digits refused like any string."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class LivePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by integer id to a live row; the message says which id is unknown."""

    default_error_messages = {
        "does_not_exist": "{model} {pk_value} not found.",
        "incorrect_type": "Must be an integer id, not {data_type}.",
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int) or not 0 < data <= MAX_ID:
            if isinstance(data, int) and not isinstance(data, bool):
                self.fail("does_not_exist", model=self._model_name(), pk_value=data)
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            return self.get_queryset().get(pk=data)
        except self.get_queryset().model.DoesNotExist:
            self.fail("does_not_exist", model=self._model_name(), pk_value=data)

    def _model_name(self) -> str:
        return self.get_queryset().model._meta.verbose_name.capitalize()


def invalid_choice_message(values, *, placeholder: str) -> str:
    """The refusal of a value that is not a choice, listing the valid ones: the same words
    for a body's fields and a list's query parameters (each framework fills `placeholder`)."""
    valid = ", ".join(str(value) for value in values)
    return f'"{placeholder}" is not a valid choice. Valid choices: {valid}.'


class ChoiceField(serializers.ChoiceField):
    """A choice whose error message lists the valid values."""

    def __init__(self, choices, **kwargs):
        super().__init__(choices, **kwargs)
        self.error_messages["invalid_choice"] = invalid_choice_message(
            self.choices, placeholder="{input}"
        )
