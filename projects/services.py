"""Every change to projects. Task graph work is delegated to tasks.services."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.exceptions import ApplicationError, NotFoundError
from core.model_update import model_update
from core.models import WorkflowRun
from core.n8n import absolute_reverse, workflow_run_start
from core.soft_delete import lock_live, lock_with_deleted, restore, soft_delete
from core.transitions import check_transition
from core.workflow_urls import workflow_url_problem
from projects.models import Project, ProjectType
from projects.validation import check_parameter_schema, check_task_template, validate_parameters
from tasks.models import Task
from tasks.services import (
    TaskSpec,
    project_recount_tasks,
    project_tasks_delete,
    project_tasks_restore,
    tasks_create,
    tasks_requeue_project,
)

PROJECT_NOT_FOUND = "Project not found"


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


def check_stored_template(project_type: ProjectType) -> None:
    """A template stored before today's checks (or by other means) is a 400 naming the
    type's problem, not a database error on the tasks it would create."""
    try:
        check_task_template(project_type.task_template)
    except ApplicationError as exc:
        raise ApplicationError(
            f"project_type: The project type's task_template cannot be applied: {exc.message}"
        ) from None


def active_project_type(code: str | None) -> ProjectType | None:
    if not code:
        return None
    return ProjectType.objects.filter(code=code, is_active=True).first()


def workflow_url(project_type: ProjectType | None, kind: str) -> str:
    """The type's own workflow URL of this kind, else the one from the settings ("" = none)."""
    own = getattr(project_type, f"{kind}_workflow_url", "") if project_type else ""
    return own or getattr(settings, f"N8N_{kind.upper()}_WORKFLOW_URL", "")


def validate_type_parameters(
    project_type: ProjectType | None, parameters: dict, *, field: str
) -> None:
    """Check parameters (the type's defaults filled in) against the type's parameter_schema."""
    if project_type is not None:
        merged = {**project_type.default_parameters, **parameters}
        validate_parameters(schema=project_type.parameter_schema, parameters=merged, field=field)


@transaction.atomic
def project_create(
    *,
    name: str,
    project_type: str,
    initial_parameters: dict | None = None,
    inspiration_id: int | None = None,
    from_template: bool = True,
    used_transform_workflow_id: str | None = None,
) -> Project:
    """Create a project and, for a known project type, its whole task graph."""
    known_type = active_project_type(project_type)
    parameters = dict(known_type.default_parameters) if known_type else {}
    parameters.update(initial_parameters or {})
    validate_type_parameters(known_type, parameters, field="initial_parameters")
    project = Project.objects.create(
        name=name,
        project_type=project_type,
        initial_parameters=parameters,
        inspiration_id=inspiration_id,
        used_transform_workflow_id=used_transform_workflow_id,
    )
    audit.record(
        action="project.create",
        target=project,
        to_status=project.status,
        reason=f"from inspiration #{inspiration_id}" if inspiration_id else "",
    )
    if from_template and known_type and known_type.task_template:
        check_stored_template(known_type)
        tasks_create(specs_from_template(project, known_type.task_template))
        project.refresh_from_db()
    return project


# What a client, the console or a callback may change; the counters and the workflow ids are
# kept by the services themselves.
PROJECT_UPDATABLE_FIELDS = (
    "name",
    "initial_parameters",
    "inspiration",
    "status",
    "score",
    "score_details",
    "review_notes",
    "output_asset",
)


@transaction.atomic
def project_update(*, project: Project, **data) -> Project:
    """Edit a project; a status change must follow Project.TRANSITIONS."""
    project = lock_live(Project, pk=project.pk, not_found=PROJECT_NOT_FOUND)
    old_status, before = project.status, audit.field_values(project, data)
    if data.get("status") is None:
        data.pop("status", None)
    else:
        check_transition(Project.TRANSITIONS, project.status, data["status"])
    if "initial_parameters" in data:
        # The same rule as at creation: the parameters fit the type's parameter_schema.
        validate_type_parameters(
            active_project_type(project.project_type),
            data["initial_parameters"],
            field="initial_parameters",
        )
    model_update(instance=project, fields=PROJECT_UPDATABLE_FIELDS, data=data)
    data.pop("status", None)
    audit.record_if_changed(
        action="project.update",
        target=project,
        **audit.status_move(old_status, project.status),
        changes=audit.changes_between(before, data),
    )
    return project


@transaction.atomic
def project_delete(*, project: Project) -> None:
    """Soft-delete the project and its tasks."""
    now = timezone.now()
    deleted_tasks = project_tasks_delete(project, now=now)
    if not soft_delete(project, at=now):
        return
    audit.record_many(
        [
            audit.entry(action="project.delete", target=project),
            *deleted_tasks,
        ]
    )


@transaction.atomic
def project_restore(*, project: Project) -> Project:
    """Bring back a soft-deleted project and the tasks that were deleted with it."""
    project = lock_with_deleted(Project, project.pk)
    if project.deleted_at is None:
        return project
    restored_tasks = project_tasks_restore(project)
    restore(project)
    entries = [
        audit.entry(action="project.restore", target=project),
        *restored_tasks,
    ]
    audit.record_many(entries + project_recount_tasks(project))
    return Project.objects.get(pk=project.pk)


@transaction.atomic
def project_recalculate_tasks(*, project: Project) -> Project:
    """Recount total/completed/failed from the live tasks and re-derive the status."""
    audit.record_many(project_recount_tasks(project))
    project.refresh_from_db()
    return project


@dataclass(frozen=True)
class Regeneration:
    """A re-queued project and the run of its execution workflow (None: none configured)."""

    project: Project
    workflow_run: WorkflowRun | None


@transaction.atomic
def project_regenerate(*, project: Project, parameters: dict | None = None) -> Regeneration:
    """Re-queue the project's graph and trigger its execution workflow (when one is set).

    The trigger is sent once the transaction commits: read the run's state after that.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    old_status, old_parameters = project.status, project.initial_parameters
    project.initial_parameters = {**project.initial_parameters, **(parameters or {})}
    project_type = active_project_type(project.project_type)
    validate_type_parameters(project_type, project.initial_parameters, field="initial_parameters")
    if project.status != Project.Status.PROCESSING:
        check_transition(Project.TRANSITIONS, project.status, Project.Status.PROCESSING)
        project.status = Project.Status.PROCESSING
    tasks_requeue_project(project)
    run = None
    url = workflow_url(project_type, "execution")
    if url:
        run = workflow_run_start(
            kind=WorkflowRun.Kind.EXECUTION,
            target_type="project",
            target_id=project.id,
            url=url,
            data=_execution_data(project),
            callback_path=reverse("n8n-project-execution", args=[project.id]),
        )
        project.used_execution_workflow_id = str(run.id)
    project.save(
        update_fields=[
            "initial_parameters",
            "status",
            "used_execution_workflow_id",
            "updated_at",
        ]
    )
    audit.record(
        action="project.regenerate",
        target=project,
        **audit.status_move(old_status, project.status),
        reason=f"workflow run #{run.id}" if run else "",
        changes=audit.changes_between(
            {"initial_parameters": old_parameters},
            {"initial_parameters": project.initial_parameters},
        ),
    )
    return Regeneration(project=project, workflow_run=run)


def _execution_data(project: Project) -> dict:
    tasks = Task.objects.filter(project=project).with_dependency_ids().order_by("id")
    return {
        "project_id": project.id,
        "name": project.name,
        "project_type": project.project_type,
        "initial_parameters": project.initial_parameters,
        "tasks": [
            {
                "id": task.id,
                "task_type": task.task_type,
                "status": task.status,
                "dependencies": task.dependency_ids,
                "task_input": task.task_input,
                "platform": task.platform,
                "callbackUrl": absolute_reverse("n8n-task-update", task.id),
            }
            for task in tasks
        ],
    }


# --- project types ----------------------------------------------------------------------------

PROJECT_TYPE_NOT_FOUND = "Project type not found"
# A code the router would read as an action rather than a type.
RESERVED_TYPE_CODES = frozenset({"sort-order", "categories"})
# Needed to point a project type at a workflow: ShortsGen POSTs to these URLs from inside the
# network (the hosts are allow-listed too, see core.workflow_urls).
SET_WORKFLOW_URLS = "projects.set_workflow_urls"


def workflow_urls_set(project_type: ProjectType | None, fields: dict) -> list[str]:
    """The workflow URL fields that `fields` sets to a new non-empty value (None: a new type).

    Clearing one needs no right (the type then falls back to the settings' URL), nor does
    sending back the stored value.
    """
    return [
        name
        for name in ProjectType.WORKFLOW_URL_FIELDS
        if fields.get(name) and fields[name] != getattr(project_type, name, "")
    ]


def workflow_url_problems(project_type: ProjectType | None, fields: dict) -> dict[str, str]:
    """Why the workflow URLs that `fields` sets may not be used, by field (empty: all fine)."""
    problems = {}
    for name in workflow_urls_set(project_type, fields):
        problem = workflow_url_problem(fields[name])
        if problem is not None:
            problems[name] = problem
    return problems


@transaction.atomic
def project_type_create(*, code: str, name: str, **fields) -> ProjectType:
    """Create a project type after checking its code, schema and task template."""
    if code in RESERVED_TYPE_CODES:
        raise ApplicationError(f"code: {code!r} is reserved.")
    if ProjectType.objects.filter(code=code).exists():
        raise ApplicationError("code: A project type with this code already exists.")
    _check_definition(None, fields)
    project_type = ProjectType.objects.create(code=code, name=name, **fields)
    audit.record(action="project_type.create", target=project_type)
    return project_type


# Everything a type defines; its code is its key and never changes.
PROJECT_TYPE_UPDATABLE_FIELDS = (
    "name",
    "description",
    "category",
    "sort_order",
    "is_active",
    "default_parameters",
    "parameter_schema",
    "task_template",
    *ProjectType.WORKFLOW_URL_FIELDS,
)


@transaction.atomic
def project_type_update(*, project_type: ProjectType, **data) -> ProjectType:
    """Change what is given; the schema and the template are checked again."""
    project_type = _lock_type(project_type.code)
    _check_definition(project_type, data)
    before = audit.field_values(project_type, data)
    model_update(instance=project_type, fields=PROJECT_TYPE_UPDATABLE_FIELDS, data=data)
    changes = audit.changes_between(before, data)
    audit.record_if_changed(action="project_type.update", target=project_type, changes=changes)
    return project_type


@transaction.atomic
def project_type_delete(*, project_type: ProjectType) -> None:
    """Soft-delete the type; its projects keep their project_type code."""
    if soft_delete(project_type):
        audit.record(action="project_type.delete", target=project_type)


@transaction.atomic
def project_type_restore(*, project_type: ProjectType) -> ProjectType:
    """Bring a soft-deleted type back, unless a live type has taken its code meanwhile."""
    project_type = lock_with_deleted(ProjectType, project_type.pk)
    if project_type.deleted_at is None:
        return project_type
    if ProjectType.objects.filter(code=project_type.code).exists():
        raise ApplicationError("code: A project type with this code already exists.")
    restore(project_type)
    audit.record(action="project_type.restore", target=project_type)
    return project_type


@transaction.atomic
def project_type_set_active(*, project_type: ProjectType, is_active: bool) -> ProjectType:
    """Activate or deactivate; an inactive type creates projects without tasks."""
    project_type = _lock_type(project_type.code)
    was_active = project_type.is_active
    project_type.is_active = is_active
    project_type.save(update_fields=["is_active", "updated_at"])
    audit.record(
        action="project_type.activate" if is_active else "project_type.deactivate",
        target=project_type,
        changes=audit.changes_between({"is_active": was_active}, {"is_active": is_active}),
    )
    return project_type


@transaction.atomic
def project_types_set_sort_order(*, codes: list[str]) -> list[ProjectType]:
    """Give the listed types sort_order 10, 20, 30… in this order; the others keep theirs."""
    if len(set(codes)) != len(codes):
        raise ApplicationError("codes: A code appears more than once.")
    found = {t.code: t for t in ProjectType.objects.filter(code__in=codes).select_for_update()}
    missing = [code for code in codes if code not in found]
    if missing:
        raise NotFoundError(f"Project types not found: {', '.join(missing)}")
    now = timezone.now()
    entries = []
    for position, code in enumerate(codes, start=1):
        before = found[code].sort_order
        found[code].sort_order = position * 10
        found[code].updated_at = now
        if before != found[code].sort_order:
            changes = {"sort_order": [before, found[code].sort_order]}
            entries.append(
                audit.entry(action="project_type.reorder", target=found[code], changes=changes)
            )
    ProjectType.objects.bulk_update(found.values(), ["sort_order", "updated_at"])
    audit.record_many(entries)
    return list(ProjectType.objects.all())


def _check_definition(project_type: ProjectType | None, fields: dict) -> None:
    if "parameter_schema" in fields:
        check_parameter_schema(fields["parameter_schema"])
    if "task_template" in fields:
        check_task_template(fields["task_template"])
    problems = workflow_url_problems(project_type, fields)
    if problems:
        raise ApplicationError("; ".join(f"{name}: {reason}" for name, reason in problems.items()))


def _lock_type(code: str) -> ProjectType:
    return lock_live(ProjectType, code=code, not_found=PROJECT_TYPE_NOT_FOUND)
