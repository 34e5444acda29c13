"""Every change to projects. Task graph work is delegated to tasks.services."""

from django.db import transaction
from django.utils import timezone

from core.transitions import check_transition
from projects.models import Project, ProjectType
from tasks.models import Task
from tasks.services import TaskSpec, project_recount_tasks, tasks_create, tasks_requeue_project


def specs_from_template(project: Project, template: list[dict]) -> list[TaskSpec]:
    return [
        TaskSpec(
            project_id=project.id,
            key=entry["key"],
            task_type=entry["task_type"],
            dependencies=[str(key) for key in entry.get("depends_on", [])],
            task_input=entry.get("task_input") or {},
            priority=entry.get("priority", 0),
            max_attempts=entry.get("max_attempts", 1),
            platform=entry.get("platform"),
            label=f"task_template[{index}]",
        )
        for index, entry in enumerate(template)
    ]


@transaction.atomic
def project_create(
    *,
    name: str,
    project_type: str,
    initial_parameters: dict | None = None,
    inspiration_id: int | None = None,
) -> Project:
    """Create a project and, for a known project type, its whole task graph."""
    known_type = ProjectType.objects.filter(code=project_type, is_active=True).first()
    parameters = dict(known_type.default_parameters) if known_type else {}
    parameters.update(initial_parameters or {})
    project = Project.objects.create(
        name=name,
        project_type=project_type,
        initial_parameters=parameters,
        inspiration_id=inspiration_id,
    )
    if known_type and known_type.task_template:
        tasks_create(specs_from_template(project, known_type.task_template))
        project.refresh_from_db()
    return project


@transaction.atomic
def project_update(*, project: Project, status: str | None = None, **fields) -> Project:
    """Edit a project; a status change must follow Project.TRANSITIONS."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if status is not None:
        check_transition(Project.TRANSITIONS, project.status, status)
        project.status = status
    for name, value in fields.items():
        setattr(project, name, value)
    project.save()
    return project


@transaction.atomic
def project_delete(*, project: Project) -> None:
    """Soft-delete the project and its tasks."""
    now = timezone.now()
    Task.objects.filter(project=project).update(deleted_at=now, updated_at=now)
    Project.objects.filter(pk=project.pk).update(deleted_at=now, updated_at=now)


@transaction.atomic
def project_recalculate_tasks(*, project: Project) -> Project:
    """Recount total/completed/failed from the live tasks and re-derive the status."""
    project_recount_tasks(project)
    project.refresh_from_db()
    return project


@transaction.atomic
def project_regenerate(*, project: Project, parameters: dict | None = None) -> dict:
    """Merge new parameters, put the whole task graph back to its start, set processing."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.initial_parameters = {**project.initial_parameters, **(parameters or {})}
    if project.status != Project.Status.PROCESSING:
        check_transition(Project.TRANSITIONS, project.status, Project.Status.PROCESSING)
        project.status = Project.Status.PROCESSING
    project.save(update_fields=["initial_parameters", "status", "updated_at"])
    tasks_requeue_project(project)
    return {
        "message": "Project regeneration workflow triggered",
        "project_id": project.id,
        # The id of the n8n workflow run; n8n is not wired in yet, so there is none.
        "execution_id": None,
    }
