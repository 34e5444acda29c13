"""Imports point down the floors of docs/architecture.md, and no file imports itself in a circle.

Product code only: tests, conftest files and migrations may import anything. Every `import`
counts, at module level or inside a function (a lazy import is still a dependency).
"""

import ast
import itertools
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Lowest first: an app may import the apps of the floors below its own, nothing above.
FLOORS = [
    {"core"},
    {"accounts", "assets", "workerconfigs"},
    {"projects", "tasks"},  # the engine; between the two, ENGINE below
    {"inspirations"},
    {"webhooks"},
    {"shortsgen"},  # settings and URLs: the roof that wires every app
]
# Within the engine, projects sits above tasks: it writes tasks through tasks' services and may
# read anything of tasks; tasks reads only the project rows whose counters and status it keeps.
ENGINE = {("projects", "tasks"): None, ("tasks", "projects"): {"projects.models"}}
# The reference worker talks to the API over HTTP: it imports no app and no app imports it.
STANDALONE = {"worker"}

# Foreign keys that point up a floor, each with why it is kept. A row may remember where it
# came from; the code of its app still never imports the app above.
UPWARD_FOREIGN_KEYS = {
    "projects.Project.inspiration": "the idea a project was made from (inspiration_id, "
    "nullable, SET_NULL): set by inspirations and webhooks, read by id in projects",
}

FLOOR_OF = {package: level for level, floor in enumerate(FLOORS) for package in floor}
PACKAGES = set(FLOOR_OF) | STANDALONE


def is_product_file(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return not (
        "tests" in parts
        or "migrations" in parts
        or path.name == "conftest.py"
        or path.name.startswith("test_")
    )


def product_files() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if is_product_file(path)
    )


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in the file, `from a import b` giving `a.b`."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def broken_rule(importer: str, imported: str) -> str | None:
    """Why `importer` (a module) may not import `imported`, or None when it may."""
    source, target = importer.split(".")[0], imported.split(".")[0]
    if source == target or target not in PACKAGES:
        return None
    if source in STANDALONE or target in STANDALONE:
        return f"{source} and {target}: the reference worker and the apps never import each other"
    if (source, target) in ENGINE:
        allowed = ENGINE[(source, target)]
        if allowed is None or any(imported == m or imported.startswith(m + ".") for m in allowed):
            return None
        return f"{source} may import only {', '.join(sorted(allowed))} of {target}"
    if FLOOR_OF[target] < FLOOR_OF[source]:
        return None
    where = "the same floor as" if FLOOR_OF[target] == FLOOR_OF[source] else "a floor above"
    return f"{target} is on {where} {source}: imports point down"


def known_module(dotted: str, modules: set[str]) -> str | None:
    """The project module `dotted` names (`a.b.c` may be the name c inside module a.b)."""
    while dotted:
        if dotted in modules:
            return dotted
        dotted = dotted.rpartition(".")[0]
    return None


def import_graph() -> tuple[dict[str, dict[str, str]], list[str]]:
    """Module -> {imported module: "file:line"}, and every import that breaks a floor rule."""
    files = {module_name(path): path for path in product_files()}
    graph: dict[str, dict[str, str]] = {module: {} for module in files}
    broken = []
    for module, path in files.items():
        for line, imported in imported_modules(path):
            where = f"{path.relative_to(ROOT)}:{line}"
            rule = broken_rule(module, imported)
            if rule:
                broken.append(f"{where} imports {imported}: {rule}")
            target = known_module(imported, set(files))
            if target and target != module:
                graph[module].setdefault(target, where)
    return graph, broken


def cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """One circle of modules through each strongly connected group (Tarjan), as its edges."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while (member := stack.pop()) != node:
                group.add(member)
            groups.append(group | {node})

    for node in sorted(graph):
        if node not in index:
            visit(node)
    circles = []
    for group in (g for g in groups if len(g) > 1):
        start = min(group)
        path, seen = [start], {start}
        while True:
            nxt = min(n for n in graph[path[-1]] if n in group)
            if nxt in seen:
                circle = [*path[path.index(nxt) :], nxt]
                break
            path.append(nxt)
            seen.add(nxt)
        circles.append([f"{a} -> {b} ({graph[a][b]})" for a, b in itertools.pairwise(circle)])
    return circles


def test_every_app_of_the_project_has_a_floor():
    local_apps = {
        config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT
    }
    assert local_apps - set(FLOOR_OF) == set()


def test_imports_point_down_the_floors():
    _, broken = import_graph()
    assert broken == [], "imports against the floors:\n" + "\n".join(broken)


def test_foreign_keys_point_down_the_floors():
    """String references hide a dependency from the imports: the model graph shows it."""
    broken = []
    for model in apps.get_models():
        source = model._meta.app_label
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_label
            rule = source in FLOOR_OF and broken_rule(f"{source}.models", f"{target}.models")
            if rule and f"{model._meta.label}.{field.name}" not in UPWARD_FOREIGN_KEYS:
                broken.append(f"{model.__name__}.{field.name} -> {target}: {rule}")
    assert broken == [], "foreign keys against the floors:\n" + "\n".join(broken)
    for name in UPWARD_FOREIGN_KEYS:  # an exception outlives nothing it excuses
        label, field_name = name.rsplit(".", 1)
        apps.get_model(label)._meta.get_field(field_name)


def test_services_never_import_serializers_or_views():
    """Services decide, serializers shape: a service module reads no API layer."""
    broken = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}: services never import the API layer"
        for path in product_files()
        if path.stem == "services" or "services" in path.relative_to(ROOT).parts
        for line, imported in imported_modules(path)
        if {"serializers", "views"} & set(imported.split(".")[1:])
    ]
    assert broken == [], "\n".join(broken)


def test_no_import_circle_between_files():
    graph, _ = import_graph()
    found = cycles(graph)
    assert found == [], "import circles:\n" + "\n\n".join("\n".join(c) for c in found)


def test_the_rule_refuses_what_it_should():
    assert broken_rule("core.management.commands.x", "webhooks.services")
    assert broken_rule("workerconfigs.models", "tasks.models")
    assert broken_rule("projects.serializers", "inspirations.models")
    assert broken_rule("tasks.services", "projects.services")
    assert broken_rule("accounts.services", "assets.services")
    assert broken_rule("tasks.claims", "worker.client")
    assert broken_rule("tasks.claims", "projects.models") is None
    assert broken_rule("projects.services", "tasks.services") is None
    assert broken_rule("webhooks.services", "inspirations.services") is None
