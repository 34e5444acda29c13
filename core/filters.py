"""The query parameters of every list follow one convention (docs/api.md, "Filters").

A value given to a typed parameter (a choice, a boolean, an id) must be valid, the empty
value included; else the answer is a 400 naming the parameter and what it takes, never a
list filtered by something else or not at all. DjangoFilterBackend raises the form's errors
as a ValidationError, which the envelope's handler words as "status: …".
"""

import re

import django_filters
from django import forms
from django.db import models
from django_filters.rest_framework import FilterSet as RestFilterSet
from drf_spectacular.utils import extend_schema_field

from core.fields import MAX_ID, invalid_choice_message

# Exactly these, in any case: what front ends and shells send for a flag.
BOOLEAN_VALUES = {"true": True, "false": False, "1": True, "0": False}


class StrictBooleanField(forms.Field):
    default_error_messages = {"invalid": "Must be true or false."}

    def to_python(self, value):
        if value is None:  # the parameter is absent
            return None
        try:
            return BOOLEAN_VALUES[str(value).lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class StrictBooleanFilter(django_filters.BooleanFilter):
    """true or false (1 or 0 too), any case; anything else is refused, the empty value too.
    (django-filter's own BooleanFilter reads `?is_active=maybe` as no filter at all.)"""

    field_class = StrictBooleanField


class ChoiceFilter(django_filters.MultipleChoiceFilter):
    """One value or several (`?status=a&status=b`, any of them); a value that is not one of
    the choices is refused, and the message lists them as the body's choice fields do."""

    def __init__(self, *args, choices, **kwargs):
        values = [value for value, _ in choices]
        message = invalid_choice_message(values, placeholder="%(value)s")
        kwargs.setdefault("error_messages", {"invalid_choice": message})
        # A column of the row itself: no join whose duplicates DISTINCT would remove.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, choices=choices, **kwargs)


class IdField(forms.IntegerField):
    """A positive integer id, written in digits only ("1.0" and "+1" refused)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value is None:
            return None
        if not re.fullmatch(r"[0-9]+", str(value)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    field_class = IdField

    def filter(self, qs, value):
        # An id past the column's range is simply unknown: it matches nothing, and is never
        # sent to the database (PostgreSQL would refuse to compare it with a bigint).
        if value is not None and value > MAX_ID:
            return qs.none()
        return super().filter(qs, value)


class FilterSet(RestFilterSet):
    """The base of every app's FilterSet: the filters it makes from `Meta.fields` follow the
    convention too — a field with choices gets a ChoiceFilter, a boolean a
    StrictBooleanFilter; text fields match exactly (an unknown value finds nothing)."""

    FILTER_DEFAULTS = {
        **RestFilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        if lookup_type == "exact" and getattr(field, "choices", None):
            return ChoiceFilter, {"choices": field.choices}
        return super().filter_for_lookup(field, lookup_type)
