"""Run a worker's scenario twice — through the one-statement paths, then through the general
services — and compare what each left: the answers, the tasks, their attempts, the projects
and the trail, with ids replaced by each task's place in its project."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEntry
from projects.models import Project
from tasks.models import Task, TaskAttempt
from tasks.serializers import TIMESTAMPS

# What differs between two runs by nature: the ids (mapped), the moments, the lease token.
MOMENTS = set(TIMESTAMPS)


def run_both_ways(monkeypatch, scenario, *, marker: str) -> tuple[dict, dict]:
    """What `scenario(project)` left, through the one-statement path (whose SQL holds
    `marker`, asserted to have run) and with it switched off."""
    fast = _run(scenario, "fast")
    assert any(marker in query["sql"] for query in fast.pop("queries"))
    from tasks.services import claims, completion_statement

    monkeypatch.setattr(completion_statement, "applies", lambda **kwargs: False)
    monkeypatch.setattr(claims, "_claim_in_one_statement", lambda **kwargs: None)
    general = _run(scenario, "general")
    assert not any(marker in query["sql"] for query in general.pop("queries"))
    return fast, general


def _run(scenario, name: str) -> dict:
    project = Project.objects.create(name=name, project_type="parity")
    with CaptureQueriesContext(connection) as queries:
        answers = scenario(project)
    tasks = list(Task.all_objects.filter(project=project).order_by("id"))
    place = {task.id: index for index, task in enumerate(tasks)}
    return {
        "queries": queries.captured_queries,
        "answers": _mapped(answers, place),
        "tasks": [_row(task, place) for task in tasks],
        "attempts": [
            (place[a.task_id], a.number, a.outcome, a.worker_id, a.finished_at is not None)
            for a in TaskAttempt.objects.filter(task__project=project).order_by("id")
        ],
        "project": Project.objects.filter(id=project.id)
        .values("status", "total_tasks", "completed_tasks", "failed_tasks")
        .get(),
        "trail": _trail(project, place),
    }


def _row(task: Task, place: dict) -> dict:
    row = {
        field.attname: getattr(task, field.attname)
        for field in Task._meta.concrete_fields
        if field.attname not in MOMENTS | {"id", "project_id", "lease_token"}
    }
    row["moments_set"] = sorted(name for name in MOMENTS if getattr(task, name) is not None)
    return _mapped(row, place)


def _trail(project: Project, place: dict) -> list:
    entries = AuditEntry.objects.filter(action__startswith="task.", target_id__in=list(place))
    entries = entries | AuditEntry.objects.filter(action="project.status", target_id=project.id)
    return [
        (
            entry.action,
            "project" if entry.action.startswith("project.") else place[entry.target_id],
            entry.from_status,
            entry.to_status,
            entry.reason,
            entry.changes,
            entry.actor_kind,
            entry.actor_name,
        )
        for entry in entries.order_by("id")
        if entry.action != "task.create"
    ]


def _mapped(value, place: dict):
    """`value` with task ids replaced by their place, and moments and lease tokens by
    whether they are set."""
    if isinstance(value, list):
        return [_mapped(item, place) for item in value]
    if not isinstance(value, dict):
        return value
    mapped = {}
    for key, item in value.items():
        if key in MOMENTS or key == "lease_token":
            mapped[key] = item is not None
        elif key in ("id", "project_id"):
            mapped[key] = place.get(item, "?") if key == "id" else "project"
        elif key == "dependencies":
            mapped[key] = [place[dep] for dep in item]
        elif key == "dependency_outputs":
            mapped[key] = {place[int(dep)]: output for dep, output in item.items()}
        else:
            mapped[key] = _mapped(item, place)
    return mapped
