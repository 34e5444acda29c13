"""Checks of a project type's definition and of parameters against its JSON Schema."""

from collections import defaultdict

from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for

from core.exceptions import ApplicationError

TEMPLATE_KEYS = frozenset(
    {"key", "task_type", "depends_on", "task_input", "priority", "max_attempts", "platform"}
)


def check_parameter_schema(schema: dict | None) -> None:
    """A parameter_schema must itself be a valid JSON Schema (of the draft it declares)."""
    if schema is None:
        return
    try:
        validator_for(schema).check_schema(schema)
    except SchemaError as exc:
        where = _path(exc.absolute_path)
        raise ApplicationError(f"parameter_schema{where}: {exc.message}") from None


def validate_parameters(*, schema: dict | None, parameters: dict, field: str) -> None:
    """Refuse parameters that break the schema; the message names the first offending path."""
    if not schema:
        return
    validator = validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(parameters), key=lambda e: [str(p) for p in e.path])
    if errors:
        first = errors[0]
        raise ApplicationError(f"{field}{_path(first.absolute_path)}: {first.message}")


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
    for name, minimum in (("priority", None), ("max_attempts", 1)):
        value = entry.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ApplicationError(f"{where}.{name}: Must be an integer.")
        if minimum is not None and value < minimum:
            raise ApplicationError(f"{where}.{name}: Must be at least {minimum}.")
    if entry.get("platform") is not None and not isinstance(entry["platform"], str):
        raise ApplicationError(f"{where}.platform: Must be a string or null.")


def _refuse_cycles(edges: dict[str, list[str]], keys: list[str]) -> None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in keys:
        if start in state:
            continue
        stack = [(start, iter(edges[start]))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                raise ApplicationError(
                    f"task_template: Dependency cycle through {child!r} and {node!r}."
                )
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(edges[child])))


def _path(path) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
