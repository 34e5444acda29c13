"""The API's one JSON parser: what the database cannot store is refused where it comes in.

PostgreSQL refuses NUL in text and in jsonb (a DataError, so a 500, wherever such a value
reaches it: a JSON field at any depth, a key, a webhook payload stored as it came), and a lone
surrogate is not UTF-8. Checking the body once here covers every endpoint and every field,
known or not, so no serializer has to remember it.
"""

import codecs
import math
import re

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

MAX_JSON_DEPTH = 64
TOO_DEEP = f"Nested deeper than {MAX_JSON_DEPTH} levels."
# The messages of DRF's own CharField validators, so that a string says the same thing
# whether it is a serializer field or a value inside a JSON field.
NULL_CHARACTER = "Null characters are not allowed."
SURROGATE_CHARACTER = "Surrogate characters are not allowed: U+{:X}."
REFUSED_CHARACTERS = re.compile(r"[\x00\ud800-\udfff]")
# Strict JSON refuses raw control characters in strings and UTF-8 has no surrogates, so from
# a UTF-8 body a parsed string holds one only through a \u escape: a body without one needs
# no walk through its strings (bodies in other charsets are walked whole).
REFUSED_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
CONTAINERS = (dict, list)
MAX_KEY_IN_PATH = 64


def refused_character(text: str) -> str | None:
    """Why the database would refuse this text, or None when it takes it."""
    found = REFUSED_CHARACTERS.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return NULL_CHARACTER
    return SURROGATE_CHARACTER.format(ord(found.group()))


def printable(text: str) -> str:
    """The text with the characters we refuse written as escapes, shortened for a message."""
    if len(text) > MAX_KEY_IN_PATH:
        text = text[:MAX_KEY_IN_PATH] + "…"
    return REFUSED_CHARACTERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def nested_deeper_than(data, limit: int) -> bool:
    """Whether objects and arrays nest more than `limit` levels (the outermost is level 1)."""
    # Level by level in comprehensions: a body may hold a million values.
    level, depth = ([data] if type(data) in CONTAINERS else []), 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            value
            for container in level
            for value in (container.values() if type(container) is dict else container)
            if type(value) in CONTAINERS
        ]
    return False


def character_problem(data) -> tuple[str, str] | None:
    """The first string or key the database would refuse, as a path (`parameters.a.b[2]`,
    a refused key named escaped), and why."""
    # A loop, not recursion, though the depth is bounded by now; trails share their parents.
    stack = [(data, ())]
    while stack:
        value, trail = stack.pop()
        if isinstance(value, str):
            if reason := refused_character(value):
                return _path(trail), reason
        elif isinstance(value, dict):
            for key in value:
                if reason := refused_character(key):
                    return _path((trail, key)), reason
            stack.extend(reversed([(item, (trail, key)) for key, item in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(item, (trail, index)) for index, item in enumerate(value)]))
    return None


def _path(trail: tuple) -> str:
    steps = []
    while trail:
        trail, step = trail
        steps.append(step)
    path = ""
    for step in reversed(steps):
        if isinstance(step, int):
            path += f"[{step}]"
        else:
            path += f".{printable(step)}" if path else printable(step)
    return path


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):  # 1e999 reads as inf, which no JSON column can hold
        raise ValueError(f"Number out of range: {literal[:32]}")
    return value


class EdgeJSONParser(JSONParser):
    """DRF's JSONParser, refusing what the database cannot store and bodies nested too deep."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        parse_constant = json.strict_constant if self.strict else None
        try:
            text = codecs.getreader(encoding)(stream).read()
            data = json.loads(text, parse_constant=parse_constant, parse_float=_finite_float)
        except RecursionError:
            # json's C decoder recurses per level: thousands of "[" end here, not in a 500.
            raise ParseError(TOO_DEEP) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if nested_deeper_than(data, MAX_JSON_DEPTH):
            raise ParseError(TOO_DEEP)
        utf8 = codecs.lookup(encoding).name == "utf-8"
        if (REFUSED_ESCAPE.search(text) or not utf8) and (problem := character_problem(data)):
            path, reason = problem
            raise ValidationError({path: [reason]} if path else [reason])
        return data
