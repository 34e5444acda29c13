"""Checks of a project type's definition and of parameters against its JSON Schema.

Parameter schemas come from API callers, so neither saving nor applying one may read a file or
fetch a URL (references resolve inside the document only), nor run a pattern on a backtracking
regex engine (patterns match on RE2, in time linear in the input).
"""

import functools
from collections import defaultdict
from collections.abc import Iterator

import re2
from jsonschema import FormatChecker
from jsonschema.exceptions import SchemaError, UnknownType, ValidationError
from jsonschema.validators import extend, validator_for
from referencing import Registry
from referencing.exceptions import NoSuchResource, Unresolvable

from core.dag import CycleError, topological_order
from core.exceptions import ApplicationError
from core.fields import MAX_INT32, MIN_INT32
from tasks.models import Task

TEMPLATE_KEYS = frozenset(
    {"key", "task_type", "depends_on", "task_input", "priority", "max_attempts", "platform"}
)
TEMPLATE_INTEGER_RANGES = {
    "priority": (MIN_INT32, MAX_INT32),
    "max_attempts": (1, Task.MAX_ATTEMPTS_LIMIT),
}
TEMPLATE_COLUMN_LENGTHS = {
    name: Task._meta.get_field(name).max_length for name in ("task_type", "platform")
}
REFERENCE_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")
MAX_REFERENCES = 32
NOT_RE2 = "is not RE2 syntax (patterns match in linear time: no backreferences or lookarounds)"
# What a schema can raise inside jsonschema for odd input, above all a stored one that was never
# checked (an older row, a direct write): a huge number in multipleOf, a ref loop, a bad regex.
SCHEMA_FAILURES = (
    Unresolvable,
    re2.error,
    UnknownType,
    ArithmeticError,
    RecursionError,
    TypeError,
    ValueError,
)


def check_parameter_schema(schema: dict | None) -> None:
    """A parameter_schema must be a valid JSON Schema that stays inside itself and on RE2."""
    if schema is None:
        return
    # First, so that the meta-schema check never compiles a pattern RE2 refuses with Python's re.
    for where, problem in _schema_problems(schema):
        raise ApplicationError(f"parameter_schema{_path(where)}: {problem}")
    try:
        draft = validator_for(schema)
        draft.check_schema(schema, format_checker=_re2_format_checker(draft))
    except SchemaError as exc:
        where = _path(exc.absolute_path)
        raise ApplicationError(f"parameter_schema{where}: {exc.message}") from None
    except RecursionError:
        raise ApplicationError("parameter_schema: Nested too deeply.") from None
    except SCHEMA_FAILURES as exc:
        raise ApplicationError(f"parameter_schema: {_failure(exc)}") from None


def validate_parameters(*, schema: dict | None, parameters: dict, field: str) -> None:
    """Refuse parameters that break the schema; the message names the first offending path."""
    if not schema:
        return
    for where, problem in _unsafe_to_apply(schema):
        raise ApplicationError(
            f"{field}: The project type's parameter_schema{_path(where)} cannot be applied: "
            f"{problem}"
        )
    try:
        validator = _re2_validator(validator_for(schema))(schema, registry=NO_RETRIEVAL)
        errors = sorted(validator.iter_errors(parameters), key=lambda e: [str(p) for p in e.path])
    except SCHEMA_FAILURES as exc:
        raise ApplicationError(
            f"{field}: The project type's parameter_schema cannot be applied: {_failure(exc)}"
        ) from None
    if errors:
        first = errors[0]
        raise ApplicationError(f"{field}{_path(first.absolute_path)}: {first.message}")


# --- staying inside the document ------------------------------------------------------------


def _refuse_retrieval(uri: str):
    raise NoSuchResource(ref=uri)


# jsonschema's default registry fetches any URL (file:// included) a $ref names. With this one
# only the schema itself and the bundled meta-schemas resolve: even a "#..." ref that a nested
# $id re-bases onto a URL ends as Unresolvable, never as a request.
NO_RETRIEVAL = Registry(retrieve=_refuse_retrieval)


def _schema_problems(schema) -> Iterator[tuple[list, str]]:
    """Where a schema names something outside itself or a pattern RE2 cannot run."""
    # Every object of the document, not only the keywords' subschemas: a "#/..." pointer can
    # make any part of it (a default, an unknown keyword) act as a schema.
    for trail, node in _objects(schema):
        for keyword in REFERENCE_KEYWORDS:
            ref = node.get(keyword)
            if isinstance(ref, str) and not ref.startswith("#"):
                message = "Only references inside the schema (#/...) are allowed."
                yield [*_steps(trail), keyword], message
        pattern = node.get("pattern")
        if isinstance(pattern, str) and (reason := _re2_refusal(pattern)):
            yield [*_steps(trail), "pattern"], f"Pattern {pattern!r} {NOT_RE2}: {reason}."
        pattern_properties = node.get("patternProperties")
        if isinstance(pattern_properties, dict):
            for key in pattern_properties:
                if reason := _re2_refusal(key):
                    message = f"Pattern {key!r} {NOT_RE2}: {reason}."
                    yield [*_steps(trail), "patternProperties"], message
    yield from _unsafe_to_apply(schema)


def _unsafe_to_apply(schema) -> Iterator[tuple[list, str]]:
    """What would make jsonschema leave the RE2 validator (for Python's re) or fail to start."""
    if isinstance(schema, dict) and not isinstance(schema.get("$schema", ""), str):
        yield ["$schema"], "Must be a string."
    unevaluated, pattern_properties, references = None, False, 0
    for trail, node in _objects(schema):
        references += sum(isinstance(node.get(keyword), str) for keyword in REFERENCE_KEYWORDS)
        # jsonschema switches to its stock validator class for a subschema's own $schema.
        if trail and isinstance(node.get("$schema"), str):
            message = "Only the root of the schema may declare $schema."
            yield [*_steps(trail), "$schema"], message
        if "unevaluatedProperties" in node and unevaluated is None:
            unevaluated = [*_steps(trail), "unevaluatedProperties"]
        pattern_properties = pattern_properties or bool(node.get("patternProperties"))
    # Each reference can double the work (anyOf: [{$ref: "#/a"}, {$ref: "#/a"}] chained):
    # a bound on their number bounds the validation's time.
    if references > MAX_REFERENCES:
        yield [], f"At most {MAX_REFERENCES} references ($ref) in one schema, not {references}."
    # jsonschema evaluates unevaluatedProperties with re over every patternProperties it meets.
    if unevaluated is not None and pattern_properties:
        yield unevaluated, "Cannot be combined with patternProperties in one schema."


def _objects(document) -> Iterator[tuple[tuple, dict]]:
    """Every object in the document, in order, with its trail: () or (parent's trail, key)."""
    # A loop, not recursion, as the depth is the caller's; trails share their parents, as a
    # list per node would cost depth x width in memory.
    stack = [((), document)]
    while stack:
        trail, value = stack.pop()
        if isinstance(value, dict):
            yield trail, value
            stack.extend(reversed([((trail, key), item) for key, item in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([((trail, index), item) for index, item in enumerate(value)]))


def _steps(trail: tuple) -> list:
    steps = []
    while trail:
        trail, step = trail
        steps.append(step)
    return steps[::-1]


# --- patterns on RE2 --------------------------------------------------------------------------

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a refused pattern is the caller's error, not a log line


@functools.lru_cache(maxsize=256)
def _re2_compiled(pattern: str):
    return re2.compile(pattern, _RE2_OPTIONS)


def _re2_refusal(pattern: str) -> str | None:
    try:
        _re2_compiled(pattern)
    except (re2.error, UnicodeError) as exc:  # UnicodeError: a lone surrogate, not UTF-8
        return _re2_reason(exc)
    return None


def _re2_reason(exc: Exception) -> str:
    reason = exc.args[0] if isinstance(exc, re2.error) and exc.args else str(exc)
    return reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _re2_compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator, pattern_properties, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in pattern_properties.items():
        for key, value in instance.items():
            if _re2_compiled(pattern).search(key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator, additional, instance, schema):
    # jsonschema's own joins the patternProperties into one pattern for Python's re.
    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    patterns = [_re2_compiled(pattern) for pattern in schema.get("patternProperties", {})]
    extras = sorted(
        key
        for key in instance
        if key not in properties and not any(p.search(key) for p in patterns)
    )
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        joined = ", ".join(repr(extra) for extra in extras)
        if patterns:
            verb = "does" if len(extras) == 1 else "do"
            regexes = ", ".join(repr(p) for p in sorted(schema["patternProperties"]))
            yield ValidationError(f"{joined} {verb} not match any of the regexes: {regexes}")
        else:
            verb = "was" if len(extras) == 1 else "were"
            message = f"Additional properties are not allowed ({joined} {verb} unexpected)"
            yield ValidationError(message)


@functools.cache
def _re2_validator(draft):
    """The schema's own draft, with every keyword that matches a pattern matching on RE2."""
    return extend(
        draft,
        {
            "pattern": _pattern,
            "patternProperties": _pattern_properties,
            "additionalProperties": _additional_properties,
        },
    )


@functools.cache
def _re2_format_checker(draft) -> FormatChecker:
    """The draft's format checks for its meta-schema, "regex" (pattern and its kin) on RE2."""
    checker = FormatChecker(formats=())
    checker.checkers = dict(draft.FORMAT_CHECKER.checkers)
    checker.checks("regex", raises=(re2.error, UnicodeError))(_is_re2)
    return checker


def _is_re2(pattern) -> bool:
    return not isinstance(pattern, str) or _re2_compiled(pattern) is not None


def _failure(exc: Exception) -> str:
    if isinstance(exc, Unresolvable):
        return f"Reference {exc.ref!r} does not resolve inside the schema."
    if isinstance(exc, re2.error):
        return f"A pattern {NOT_RE2}: {_re2_reason(exc)}."
    if isinstance(exc, RecursionError):
        return "It refers to itself without end."
    if isinstance(exc, UnknownType):
        return f"Unknown type {exc.type!r}."
    return f"{type(exc).__name__}: {exc}"


def check_task_template(template: list) -> None:
    """Each entry an object of known keys; keys unique; depends_on naming entries; no cycle."""
    if not isinstance(template, list):
        raise ApplicationError("task_template: Must be a list.")
    keys: dict[str, int] = {}
    for index, entry in enumerate(template):
        where = f"task_template[{index}]"
        if not isinstance(entry, dict):
            raise ApplicationError(f"{where}: Must be a JSON object.")
        unknown = sorted(set(entry) - TEMPLATE_KEYS)
        if unknown:
            raise ApplicationError(f"{where}: Unknown key(s): {', '.join(unknown)}.")
        for name in ("key", "task_type"):
            if not isinstance(entry.get(name), str) or not entry[name].strip():
                raise ApplicationError(f"{where}.{name}: Must be a non-empty string.")
        if entry["key"] in keys:
            raise ApplicationError(f"{where}.key: Key {entry['key']!r} is used twice.")
        keys[entry["key"]] = index
        _check_entry_types(entry, where)
    edges = defaultdict(list)
    for index, entry in enumerate(template):
        for dep in entry.get("depends_on") or []:
            if dep not in keys:
                raise ApplicationError(
                    f"task_template[{index}].depends_on: No entry with key {dep!r}."
                )
            edges[entry["key"]].append(dep)
    _refuse_cycles(edges, list(keys))


def _check_entry_types(entry: dict, where: str) -> None:
    depends_on = entry.get("depends_on", [])
    if not isinstance(depends_on, list) or not all(isinstance(d, str) for d in depends_on):
        raise ApplicationError(f"{where}.depends_on: Must be a list of keys.")
    if entry.get("task_input") is not None and not isinstance(entry["task_input"], dict):
        raise ApplicationError(f"{where}.task_input: Must be a JSON object.")
    # The bounds of POST /api/tasks: a value the task's column cannot hold would make every
    # project of the type fail when its tasks are created.
    for name, (minimum, maximum) in TEMPLATE_INTEGER_RANGES.items():
        value = entry.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ApplicationError(f"{where}.{name}: Must be an integer.")
        if value < minimum:
            raise ApplicationError(f"{where}.{name}: Must be at least {minimum}.")
        if value > maximum:
            raise ApplicationError(f"{where}.{name}: Must be at most {maximum}.")
    if entry.get("platform") is not None and not isinstance(entry["platform"], str):
        raise ApplicationError(f"{where}.platform: Must be a string or null.")
    for name, limit in TEMPLATE_COLUMN_LENGTHS.items():
        if isinstance(entry.get(name), str) and len(entry[name]) > limit:
            raise ApplicationError(f"{where}.{name}: At most {limit} characters.")


def _refuse_cycles(edges: dict[str, list[str]], keys: list[str]) -> None:
    try:
        topological_order(keys, edges)
    except CycleError as exc:
        through = ", ".join(repr(key) for key in exc.stuck)
        raise ApplicationError(f"task_template: Dependency cycle through {through}.") from None


def _path(path) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
