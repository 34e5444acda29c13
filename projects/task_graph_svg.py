"""The picture of a task graph in the console: server-rendered SVG, no JavaScript, no CDN.

Layers from left to right (each task one layer after its deepest dependency, see core.dag),
an arrow from each dependency to the task that waits for it, boxes coloured by status, an
expired lease outlined in red and dashed. Each box of a project's graph links to its task's
page and carries a tooltip (id, type, status, worker, error). A project type's template is
drawn the same way, by template key, without status or links. Every text is escaped: task
types and keys are user input.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.dag import CycleError, ordered_layers
from tasks.admin_display import lease_expired
from tasks.models import Task

STATUS_COLOURS = {
    Task.Status.WAITING: "#d0d4da",
    Task.Status.PENDING: "#8ec5ff",
    Task.Status.PROCESSING: "#ffd26a",
    Task.Status.COMPLETED: "#7fd18b",
    Task.Status.FAILED: "#ff8a80",
}
TEMPLATE_COLOUR = "#e8eef5"
EXPIRED_STROKE = "#ba2121"

NODE_WIDTH, NODE_HEIGHT = 168, 42
COLUMN_GAP, ROW_GAP, MARGIN = 56, 14, 12
LABEL_CHARACTERS = 22  # what fits a box's width at the font size below


@dataclass
class Node:
    key: Hashable
    label: str  # first line, bold
    detail: str  # second line
    tooltip: str
    fill: str
    href: str | None = None
    marked: bool = False  # an expired lease


def task_graph_svg(tasks: Sequence[Task], edges: Sequence[tuple[int, int]], now=None):
    """A project's tasks; `edges` are (task_id, depends_on_id)."""
    if not tasks:
        return format_html("<em>{}</em>", "No tasks.")
    now = now or timezone.now()
    nodes = []
    for task in tasks:
        expired = lease_expired(task, now)
        detail = f"{task.status} · expired" if expired else task.status
        if task.deleted_at is not None:
            detail += " · deleted"
        nodes.append(
            Node(
                key=task.id,
                label=f"#{task.id} {task.task_type}",
                detail=detail,
                tooltip=_task_tooltip(task, expired),
                fill=STATUS_COLOURS.get(task.status, "#eeeeee"),
                href=reverse("admin:tasks_task_change", args=[task.id]),
                marked=expired,
            )
        )
    legend = [(colour, status) for status, colour in STATUS_COLOURS.items()]
    return _picture(nodes, edges, legend=legend, expired_in_legend=True)


def template_graph_svg(template) -> SafeString:
    """A project type's task_template: one box per entry, by key, arrows from depends_on."""
    entries = [e for e in template or [] if isinstance(e, dict) and isinstance(e.get("key"), str)]
    if not entries:
        return format_html("<em>{}</em>", "No tasks in the template.")
    keys = {entry["key"] for entry in entries}
    nodes, edges = [], []
    for entry in entries:
        task_type = entry.get("task_type")
        nodes.append(
            Node(
                key=entry["key"],
                label=entry["key"],
                detail=str(task_type),
                tooltip=f"{entry['key']}\ntask type: {task_type}",
                fill=TEMPLATE_COLOUR,
            )
        )
        depends_on = entry.get("depends_on")
        for dep in depends_on if isinstance(depends_on, list) else []:
            if isinstance(dep, str) and dep in keys:
                edges.append((entry["key"], dep))
    return _picture(nodes, edges, legend=[], expired_in_legend=False)


def _task_tooltip(task: Task, expired: bool) -> str:
    lines = [f"#{task.id} {task.task_type}", f"status: {task.status}"]
    if expired:
        lines.append(f"lease expired at {task.lease_expires_at:%Y-%m-%d %H:%M:%S %Z}")
    lines.append(f"attempts: {task.attempts}/{task.max_attempts}")
    lines.append(f"worker: {task.worker_id or '—'}")
    if task.error_message:
        lines.append(f"error: {task.error_message}")
    return "\n".join(lines)


def _picture(nodes: list[Node], edges, *, legend, expired_in_legend: bool) -> SafeString:
    by_key = {node.key: node for node in nodes}
    parents: dict[Hashable, list] = {}
    for child, parent in edges:
        if child in by_key and parent in by_key:
            parents.setdefault(child, []).append(parent)
    try:
        layers = ordered_layers([node.key for node in nodes], parents)
    except CycleError as exc:
        # Only an unchecked stored template can have one; say so rather than fail the page.
        return format_html(
            "<em>{}</em>", f"The graph has a dependency cycle ({len(exc.stuck)} entries)."
        )
    where = {}
    for column, members in enumerate(layers):
        for row, key in enumerate(members):
            x = MARGIN + column * (NODE_WIDTH + COLUMN_GAP)
            y = MARGIN + row * (NODE_HEIGHT + ROW_GAP)
            where[key] = (x, y)
    width = MARGIN * 2 + len(layers) * NODE_WIDTH + (len(layers) - 1) * COLUMN_GAP
    tallest = max(len(members) for members in layers)
    height = MARGIN * 2 + tallest * NODE_HEIGHT + (tallest - 1) * ROW_GAP
    arrows = [
        _arrow(where[parent], where[child]) for child, links in parents.items() for parent in links
    ]
    svg = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="task-graph" width="{}" height="{}" '
        'viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'style="font-family:sans-serif;font-size:12px">'
        '<defs><marker id="task-graph-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>'
        '<g class="edges" fill="none" stroke="#777" stroke-width="1.3">{}</g>'
        '<g class="nodes">{}</g></svg>',
        width,
        height,
        width,
        height,
        f"Task graph: {len(nodes)} tasks, {len(arrows)} dependencies",
        format_html_join("", "{}", ((a,) for a in arrows)),
        format_html_join("", "{}", ((_box(node, *where[node.key]),) for node in nodes)),
    )
    return format_html(
        '<div class="task-graph-legend" style="margin:0 0 6px">{}{}</div>'
        '<div class="task-graph-frame" style="max-width:100%;max-height:640px;overflow:auto;'
        'border:1px solid #ddd;background:#fff">{}</div>',
        format_html_join(
            " ",
            '<span style="background:{};padding:2px 6px;border-radius:4px;color:#111">{}</span>',
            legend,
        ),
        format_html(
            ' <span style="border:2px dashed {};padding:1px 5px;border-radius:4px">{}</span>',
            EXPIRED_STROKE,
            "lease expired",
        )
        if expired_in_legend
        else "",
        svg,
    )


def _arrow(start: tuple[int, int], end: tuple[int, int]) -> SafeString:
    """From the right edge of the dependency to the left edge of its dependent."""
    x1, y1 = start[0] + NODE_WIDTH, start[1] + NODE_HEIGHT // 2
    x2, y2 = end[0], end[1] + NODE_HEIGHT // 2
    bend = (x2 - x1) / 2
    return format_html(
        '<path d="M {} {} C {} {}, {} {}, {} {}" marker-end="url(#task-graph-arrow)"/>',
        x1,
        y1,
        round(x1 + bend),
        y1,
        round(x2 - bend),
        y2,
        x2,
        y2,
    )


def _box(node: Node, x: int, y: int) -> SafeString:
    stroke = (
        format_html('stroke="{}" stroke-width="3" stroke-dasharray="6 3"', EXPIRED_STROKE)
        if node.marked
        else format_html('stroke="{}" stroke-width="1"', "#666")
    )
    body = format_html(
        "<title>{}</title>"
        '<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" {}/>'
        '<text x="{}" y="{}" font-weight="bold" fill="#111">{}</text>'
        '<text x="{}" y="{}" fill="{}">{}</text>',
        node.tooltip,
        x,
        y,
        NODE_WIDTH,
        NODE_HEIGHT,
        node.fill,
        stroke,
        x + 8,
        y + 17,
        _fit(node.label),
        x + 8,
        y + 33,
        EXPIRED_STROKE if node.marked else "#333",
        _fit(node.detail),
    )
    if node.href is None:
        return format_html('<g class="node" data-key="{}">{}</g>', node.key, body)
    return format_html('<a href="{}" class="node" data-key="{}">{}</a>', node.href, node.key, body)


def _fit(text: str) -> str:
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 1] + "…"
