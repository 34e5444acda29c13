"""The picture of a project's task graph in the admin: one column per depth, one box per task,
coloured by status. Plain HTML and CSS, so it needs no JavaScript and no CDN."""

from collections import defaultdict

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tasks.models import Task

STATUS_COLOURS = {
    Task.Status.WAITING: "#d0d4da",
    Task.Status.PENDING: "#8ec5ff",
    Task.Status.PROCESSING: "#ffd26a",
    Task.Status.COMPLETED: "#7fd18b",
    Task.Status.FAILED: "#ff8a80",
}


def depths(task_ids: list[int], edges: list[tuple[int, int]]) -> dict[int, int]:
    """Longest distance from a root for every task (edges are (task, depends_on))."""
    parents = defaultdict(list)
    for task_id, depends_on_id in edges:
        parents[task_id].append(depends_on_id)
    depth: dict[int, int] = {}

    def visit(task_id: int) -> int:
        # Iterative: a deep chain must not hit Python's recursion limit.
        stack = [task_id]
        while stack:
            current = stack[-1]
            pending = [p for p in parents[current] if p not in depth]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            depth[current] = max((depth[p] + 1 for p in parents[current]), default=0)
        return depth[task_id]

    for task_id in task_ids:
        visit(task_id)
    return depth


def task_graph_html(tasks: list[Task], edges: list[tuple[int, int]]) -> SafeString:
    if not tasks:
        return format_html("<em>{}</em>", "No tasks.")
    depth = depths([t.id for t in tasks], edges)
    columns = defaultdict(list)
    for task in tasks:
        columns[depth[task.id]].append(task)
    parents = defaultdict(list)
    for task_id, depends_on_id in edges:
        parents[task_id].append(depends_on_id)

    def box(task: Task) -> SafeString:
        after = ", ".join(f"#{p}" for p in sorted(parents[task.id])) or "—"
        return format_html(
            '<div style="background:{};border-radius:6px;padding:6px 8px;margin:6px 0;'
            'min-width:140px;color:#111" title="after {}">'
            "<strong>#{} {}</strong><br><small>{} · after {}</small></div>",
            STATUS_COLOURS.get(task.status, "#eee"),
            after,
            task.id,
            task.task_type,
            task.status,
            after,
        )

    column_html = format_html_join(
        "",
        '<div style="display:flex;flex-direction:column;margin-right:18px">{}</div>',
        ((format_html_join("", "{}", ((box(t),) for t in columns[d])),) for d in sorted(columns)),
    )
    legend = format_html_join(
        " ",
        '<span style="background:{};padding:2px 6px;border-radius:4px;color:#111">{}</span>',
        ((colour, status) for status, colour in STATUS_COLOURS.items()),
    )
    return format_html(
        '<div style="display:flex;align-items:flex-start;overflow-x:auto">{}</div>'
        '<div style="margin-top:6px">{}</div>',
        column_html,
        legend,
    )
