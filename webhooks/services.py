"""Applying n8n callbacks: each one in one transaction, once per delivery (see WebhookEvent)."""

from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction

from core import audit
from core.actors import Actor
from core.exceptions import ApplicationError, NotFoundError
from core.models import WorkflowRun
from core.n8n import expired_workflow_run_ids, workflow_run_expire, workflow_run_record_callback
from core.soft_delete import lock_live
from core.transitions import is_allowed
from inspirations.models import Inspiration
from inspirations.services import INSPIRATION_NOT_FOUND, inspiration_update
from projects.models import Project
from projects.services import project_create, project_update
from tasks.models import Task
from tasks.services import TaskSpec, task_update, tasks_create
from webhooks.models import CallbackStatus, WebhookEvent

Endpoint = WebhookEvent.Endpoint
# Callbacks act as n8n, whichever n8n token (or the shared secret) authenticated them.
N8N_ACTOR = Actor.n8n()
DEFAULT_FAILURE = "The workflow reported a failure."
TASK_REPORT_FIELDS = ("task_output", "error_message", "commit_id")
INSPIRATION_FIELDS = ("title", "description", "parameters", "score", "score_details")


@transaction.atomic
def webhook_deliver(
    *,
    endpoint: str,
    target_id: int,
    payload: dict,
    params: dict,
    signature: str | None = None,
    signed_at: datetime | None = None,
) -> dict:
    """Apply one callback and store it; a delivery seen before returns its first result.

    `signature` and `signed_at` are those of a signed request (None for a token).
    """
    # Unlike other services this one returns a response body: that body is the delivery's
    # idempotency record (WebhookEvent.result), and a redelivery must answer with it as
    # stored, byte for byte, not rebuilt from rows that may have changed since.
    execution_id = params.get("executionId")
    delivery_key = _delivery_key(endpoint, params, signature)
    if delivery_key is not None:
        stored = _stored_result(endpoint, target_id, delivery_key)
        if stored is not None:
            return stored
    # The event row is written first: a concurrent duplicate blocks on the unique index
    # until this transaction ends, then fails and answers with what this one stored.
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                endpoint=endpoint,
                target_id=target_id,
                execution_id=execution_id,
                delivery_key=delivery_key,
                payload=payload,
                signed_at=signed_at,
                result={},
            )
    except IntegrityError:
        stored = _stored_result(endpoint, target_id, delivery_key)
        if stored is None:
            raise
        return stored
    # The trail names n8n (the token's client, or the HMAC signer) and its execution.
    caller = audit.current_actor()
    n8n = Actor.n8n(execution_id=execution_id, name=caller.name if caller else "n8n")
    with audit.acting_as(n8n):
        result, run = HANDLERS[endpoint](target_id, params)
    event.result, event.workflow_run = result, run
    event.save(update_fields=["result", "workflow_run"])
    return result


def _delivery_key(endpoint: str, params: dict, signature: str | None) -> str | None:
    execution_id = params.get("executionId")
    if not execution_id:
        # The signature covers method, path, timestamp and body: the same signature is the
        # same request, replayed inside the timestamp window, and is applied once.
        return signature
    if endpoint in (Endpoint.TASK_UPDATE, Endpoint.PROJECT_EXECUTION):
        # One execution may report a task's progress (processing, then completed), or accept
        # a project's run and later report it failed, to the same endpoint: each reported
        # status is its own delivery.
        return f"{execution_id}:{params['status']}"
    return execution_id


def _stored_result(endpoint: str, target_id: int, delivery_key: str) -> dict | None:
    event = WebhookEvent.objects.filter(
        endpoint=endpoint, target_id=target_id, delivery_key=delivery_key
    ).first()
    return event.result if event is not None else None


def _failure(params: dict, data: dict | None = None) -> str | None:
    if params["status"] != CallbackStatus.FAILED:
        return None
    return params.get("error") or (data or {}).get("error") or DEFAULT_FAILURE


def _link_run(
    params: dict, *, target_type: str, target_id: int, error: str | None
) -> WorkflowRun | None:
    if not params.get("runId"):
        return None
    return workflow_run_record_callback(
        run_id=params["runId"],
        target_type=target_type,
        target_id=target_id,
        execution_id=params.get("executionId"),
        error=error,
    )


# --- 7.1 inspiration ----------------------------------------------------------------------


def _inspiration(inspiration_id: int, params: dict) -> tuple[dict, WorkflowRun | None]:
    inspiration = _live_inspiration(inspiration_id)
    data = params.get("data") or {}
    error = _failure(params, data)
    if error is None:
        fields = {name: data[name] for name in INSPIRATION_FIELDS if name in data}
        inspiration_update(
            inspiration=inspiration,
            status=Inspiration.Status.DRAFT,
            error_message=None,
            **fields,
        )
    else:
        _inspiration_failed(inspiration, error)
    run = _link_run(params, target_type="inspiration", target_id=inspiration_id, error=error)
    result = {
        "message": "Inspiration webhook processed",
        "inspiration_id": inspiration_id,
        "status": params["status"],
    }
    return result, run


def _inspiration_failed(inspiration: Inspiration, error: str) -> None:
    # The error is kept even where the status cannot become failed (an approved one).
    status = Inspiration.Status.FAILED
    if not is_allowed(Inspiration.TRANSITIONS, inspiration.status, status):
        status = None
    inspiration_update(inspiration=inspiration, status=status, error_message=error)


def _live_inspiration(inspiration_id: int) -> Inspiration:
    inspiration = Inspiration.objects.filter(pk=inspiration_id).first()
    if inspiration is None:
        raise NotFoundError(INSPIRATION_NOT_FOUND)
    return inspiration


# --- 7.2 project_creation -----------------------------------------------------------------


def _project_creation(inspiration_id: int, params: dict) -> tuple[dict, WorkflowRun | None]:
    inspiration = _awaiting_project(inspiration_id)
    error = _failure(params)
    run = _link_run(params, target_type="inspiration", target_id=inspiration_id, error=error)
    if error is not None:
        inspiration_update(inspiration=inspiration, error_message=error)
        result = {
            "message": "Project creation failure recorded",
            "inspiration_id": inspiration_id,
            "project_id": None,
            "tasks_created": 0,
        }
        return result, run

    new = params["project"]
    # The same rule as POST /projects and approve (project_create's): a registered, active
    # type brings its template and parameter schema; any other type is accepted as it is.
    tasks = params.get("tasks") or []
    project = project_create(
        name=new["name"],
        project_type=new["project_type"],
        initial_parameters=new.get("initial_parameters") or {},
        inspiration_id=inspiration.id,
        # The payload's tasks replace the type's template; without any, the template applies.
        from_template=not tasks,
        used_transform_workflow_id=str(run.id) if run else params.get("executionId"),
    )
    if tasks:
        tasks_create(_specs(project, tasks), actor=N8N_ACTOR)
    project.refresh_from_db()
    result = {
        "message": "Project created successfully",
        "project_id": project.id,
        "tasks_created": project.total_tasks,
    }
    return result, run


def _awaiting_project(inspiration_id: int) -> Inspiration:
    """The inspiration a transform callback answers: approved, and without a project yet."""
    # Locked: two callbacks with different executionIds wait for each other here, so the
    # second one sees the first one's project and is refused.
    inspiration = lock_live(Inspiration, pk=inspiration_id, not_found=INSPIRATION_NOT_FOUND)
    if inspiration.status != Inspiration.Status.APPROVED:
        raise ApplicationError(
            f"Inspiration {inspiration_id} is {inspiration.status}: a project is created only "
            "from an approved inspiration."
        )
    # all_objects: a soft-deleted project still counts; the admin restores it.
    project_id = (
        Project.all_objects.filter(inspiration_id=inspiration_id)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if project_id is not None:
        raise ApplicationError(
            f"Inspiration {inspiration_id} already has project {project_id}: an inspiration "
            "gets one project.",
            status_code=409,
            data={"project_id": project_id},
        )
    return inspiration


def _specs(project: Project, tasks: list[dict]) -> list[TaskSpec]:
    keys = [task.get("key") or f"#{index}" for index, task in enumerate(tasks)]
    specs = []
    for index, task in enumerate(tasks):
        dependencies = []
        for dep in task.get("dependencies") or []:
            if isinstance(dep, int):
                if not 0 <= dep < len(tasks) or dep == index:
                    raise ApplicationError(
                        f"tasks[{index}].dependencies: {dep} is not the index of another task "
                        "in this request."
                    )
                dep = keys[dep]
            dependencies.append(dep)
        specs.append(
            TaskSpec(
                project_id=project.id,
                key=keys[index],
                task_type=task["task_type"],
                dependencies=dependencies,
                status=task.get("status"),
                task_input=task.get("task_input") or {},
                task_output=task.get("task_output"),
                platform_account_id=task.get("platform_account_id"),
                platform=task.get("platform"),
                commit_id=task.get("commit_id"),
                error_message=task.get("error_message"),
                priority=task.get("priority", 0),
                max_attempts=task.get("max_attempts", 1),
                label=f"tasks[{index}]",
            )
        )
    return specs


# --- 7.3 project_execution ----------------------------------------------------------------


def _project_execution(project_id: int, params: dict) -> tuple[dict, WorkflowRun | None]:
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        raise NotFoundError("Project not found")
    updates = params.get("task_updates") or []
    ids = [entry["task_id"] for entry in updates]
    own = set(Task.objects.filter(project=project, id__in=ids).values_list("id", flat=True))
    for index, entry in enumerate(updates):
        if entry["task_id"] not in own:
            raise ApplicationError(
                f"task_updates[{index}].task_id: Task {entry['task_id']} is not a task of "
                f"project {project_id}."
            )
        _report(entry, label=f"task_updates[{index}]")
    project_updates = dict(params.get("project_updates") or {})
    error = _failure(params)
    if error is not None and "status" not in project_updates:
        project.refresh_from_db()
        project_updates.update(_project_failure(project))
    if project_updates:
        project = project_update(project=project, **project_updates)
    run = _link_run(params, target_type="project", target_id=project_id, error=error)
    project.refresh_from_db()
    result = {
        "message": "Project execution webhook processed",
        "project_id": project_id,
        "status": params["status"],
        "project_status": project.status,
        "tasks_updated": len(updates),
    }
    return result, run


def _project_failure(project: Project) -> dict:
    if is_allowed(Project.TRANSITIONS, project.status, Project.Status.FAILED):
        return {"status": Project.Status.FAILED}
    return {}


def _report(entry: dict, *, label: str | None = None) -> Task:
    changes = {name: entry[name] for name in TASK_REPORT_FIELDS if name in entry}
    try:
        return task_update(
            task_id=entry["task_id"], status=entry.get("status"), actor=N8N_ACTOR, **changes
        )
    except ApplicationError as exc:
        if label is None:
            raise
        raise ApplicationError(f"{label}: {exc.message}", status_code=exc.status_code) from None


# --- 7.4 task_update ----------------------------------------------------------------------


def _task_update(task_id: int, params: dict) -> tuple[dict, WorkflowRun | None]:
    task = _report({**params, "task_id": task_id})
    # One failed task does not fail the workflow run that reports it.
    run = _link_run(params, target_type="project", target_id=task.project_id, error=None)
    result = {"message": "Task webhook processed", "task_id": task.id, "status": task.status}
    return result, run


HANDLERS: dict[str, Callable[[int, dict], tuple[dict, WorkflowRun | None]]] = {
    Endpoint.INSPIRATION: _inspiration,
    Endpoint.PROJECT_CREATION: _project_creation,
    Endpoint.PROJECT_EXECUTION: _project_execution,
    Endpoint.TASK_UPDATE: _task_update,
}


# --- runs that never called back ----------------------------------------------------------


def _expire_inspiration_run(run: WorkflowRun) -> None:
    inspiration = Inspiration.objects.filter(pk=run.target_id).first()
    if inspiration is not None:
        _inspiration_failed(inspiration, run.error)


def _expire_transform_run(run: WorkflowRun) -> None:
    # As a failed project_creation callback: the error is kept, the inspiration stays
    # approved, and a retry of the run asks for its project again.
    inspiration = Inspiration.objects.filter(pk=run.target_id).first()
    if inspiration is not None:
        inspiration_update(inspiration=inspiration, error_message=run.error)


def _expire_execution_run(run: WorkflowRun) -> None:
    project = Project.objects.filter(pk=run.target_id).first()
    if project is not None:
        changes = _project_failure(project)
        if changes:
            project_update(project=project, **changes)


EXPIRE_TARGETS: dict[str, Callable[[WorkflowRun], None]] = {
    WorkflowRun.Kind.INSPIRATION: _expire_inspiration_run,
    WorkflowRun.Kind.TRANSFORM: _expire_transform_run,
    WorkflowRun.Kind.EXECUTION: _expire_execution_run,
}


def workflow_runs_expire(*, now=None) -> list[WorkflowRun]:
    """Fail every run n8n accepted but never called back within its kind's deadline, and move
    its target as a `status: failed` callback would (so a retry can start again)."""
    expired = []
    for run_id in expired_workflow_run_ids(now=now):
        with transaction.atomic():
            run = workflow_run_expire(run_id=run_id, now=now)
            if run is not None:
                EXPIRE_TARGETS[run.kind](run)
                expired.append(run)
    return expired
