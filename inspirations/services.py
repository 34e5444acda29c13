"""Every change to inspirations. Each function runs in one transaction and locks the row
before it checks the status, so that two reviewers acting at once cannot both approve (and
create two projects) or approve and reject the same inspiration."""

from django.db import transaction
from django.urls import reverse

from core import audit
from core.exceptions import ApplicationError
from core.model_update import model_update
from core.models import WorkflowRun
from core.n8n import workflow_run_start
from core.soft_delete import lock_live, lock_with_deleted, restore, soft_delete
from core.transitions import check_transition
from inspirations.models import Inspiration
from projects.models import Project
from projects.services import (
    active_project_type,
    project_create,
    validate_type_parameters,
    workflow_url,
)

INSPIRATION_NOT_FOUND = "Inspiration not found"
Status = Inspiration.Status
# What a client, the console or a callback may change; review fields go through approve/reject
# too, but a PUT may correct them.
INSPIRATION_UPDATABLE_FIELDS = (
    "title",
    "description",
    "project_type_code",
    "source",
    "parameters",
    "status",
    "score",
    "score_details",
    "review_notes",
    "error_message",
)


@transaction.atomic
def inspiration_create(
    *,
    title: str,
    description: str | None = None,
    project_type_code: str | None = None,
    source: str | None = None,
    parameters: dict | None = None,
) -> Inspiration:
    """Create a draft inspiration."""
    _validate_parameters(project_type_code, parameters or {})
    inspiration = Inspiration.objects.create(
        title=title,
        description=description,
        project_type_code=project_type_code,
        source=source,
        parameters=parameters or {},
        status=Status.DRAFT,
    )
    audit.record(action="inspiration.create", target=inspiration, to_status=inspiration.status)
    return inspiration


@transaction.atomic
def inspiration_update(*, inspiration: Inspiration, **data) -> Inspiration:
    """Edit an inspiration; a status change must follow Inspiration.TRANSITIONS."""
    inspiration = _lock_live(inspiration.pk)
    old_status, before = inspiration.status, audit.field_values(inspiration, data)
    if data.get("status") is None:
        data.pop("status", None)
    else:
        check_transition(Inspiration.TRANSITIONS, inspiration.status, data["status"])
    if {"parameters", "project_type_code"} & set(data):
        _validate_parameters(
            data.get("project_type_code", inspiration.project_type_code),
            data.get("parameters", inspiration.parameters),
        )
    model_update(instance=inspiration, fields=INSPIRATION_UPDATABLE_FIELDS, data=data)
    fields = {name: value for name, value in data.items() if name != "status"}
    _record_change(
        "inspiration.update",
        inspiration,
        old_status,
        reason=fields.get("error_message"),
        changes=audit.changes_between(before, fields),
    )
    return inspiration


@transaction.atomic
def inspiration_delete(*, inspiration: Inspiration) -> None:
    """Soft-delete the inspiration; projects made from it keep their inspiration_id."""
    if soft_delete(inspiration):
        audit.record(action="inspiration.delete", target=inspiration)


@transaction.atomic
def inspiration_restore(*, inspiration: Inspiration) -> Inspiration:
    """Bring a soft-deleted inspiration back as it was."""
    inspiration = lock_with_deleted(Inspiration, inspiration.pk)
    if inspiration.deleted_at is not None:
        restore(inspiration)
        audit.record(action="inspiration.restore", target=inspiration)
    return inspiration


@transaction.atomic
def inspiration_approve(
    *, inspiration: Inspiration, review_notes: str | None = None, score: float | None = None
) -> tuple[Inspiration, Project | None]:
    """Approve a draft and hand it to its type's transform workflow, or create its project.

    With a transform workflow the project comes later, from the workflow's project_creation
    callback (the project is None here); without one it is created in this transaction.
    """
    inspiration = _lock_live(inspiration.pk)
    if inspiration.status == Status.APPROVED:
        # check_transition lets a status be set again; approving twice would mean two projects.
        raise ApplicationError("Inspiration is already approved")
    check_transition(Inspiration.TRANSITIONS, inspiration.status, Status.APPROVED)
    if not inspiration.project_type_code:
        raise ApplicationError(
            "project_type_code: An inspiration needs a project type to be approved."
        )
    old_status, before = inspiration.status, audit.field_values(inspiration, ["score"])
    _set_review(inspiration, review_notes=review_notes, score=score)
    inspiration.status = Status.APPROVED
    inspiration.save()
    changes = audit.changes_between(before, audit.field_values(inspiration, ["score"]))
    _record_change(
        "inspiration.approve", inspiration, old_status, reason=review_notes, changes=changes
    )
    project_type = active_project_type(inspiration.project_type_code)
    url = workflow_url(project_type, "transform")
    if url:
        validate_type_parameters(project_type, inspiration.parameters, field="parameters")
        workflow_run_start(
            kind=WorkflowRun.Kind.TRANSFORM,
            target_type="inspiration",
            target_id=inspiration.id,
            url=url,
            data=_workflow_data(inspiration),
            callback_path=reverse("n8n-project-creation", args=[inspiration.id]),
        )
        return inspiration, None
    # No workflow: approval creates the project itself, in this transaction, so that the
    # whole flow works without n8n and an approved inspiration always has its project.
    project = project_create(
        name=inspiration.title,
        project_type=inspiration.project_type_code,
        initial_parameters=inspiration.parameters,
        inspiration_id=inspiration.id,
    )
    return inspiration, project


@transaction.atomic
def inspiration_reject(*, inspiration: Inspiration, review_notes: str | None = None) -> Inspiration:
    """Reject a draft; the review notes are kept when given."""
    inspiration = _lock_live(inspiration.pk)
    check_transition(Inspiration.TRANSITIONS, inspiration.status, Status.REJECTED)
    old_status = inspiration.status
    _set_review(inspiration, review_notes=review_notes)
    inspiration.status = Status.REJECTED
    inspiration.save()
    _record_change("inspiration.reject", inspiration, old_status, reason=review_notes)
    return inspiration


@transaction.atomic
def inspiration_regenerate(
    *, inspiration: Inspiration, parameter_overrides: dict | None = None
) -> tuple[Inspiration, WorkflowRun | None]:
    """Merge the overrides, set generating and trigger the inspiration workflow (if any)."""
    inspiration = _lock_live(inspiration.pk)
    check_transition(Inspiration.TRANSITIONS, inspiration.status, Status.GENERATING)
    old_status, old_parameters = inspiration.status, inspiration.parameters
    inspiration.parameters = {**inspiration.parameters, **(parameter_overrides or {})}
    _validate_parameters(inspiration.project_type_code, inspiration.parameters)
    inspiration.status = Status.GENERATING
    inspiration.error_message = None
    inspiration.save()
    changes = audit.changes_between(
        {"parameters": old_parameters}, {"parameters": inspiration.parameters}
    )
    _record_change("inspiration.regenerate", inspiration, old_status, changes=changes)
    run = None
    url = workflow_url(active_project_type(inspiration.project_type_code), "inspiration")
    if url:
        run = workflow_run_start(
            kind=WorkflowRun.Kind.INSPIRATION,
            target_type="inspiration",
            target_id=inspiration.id,
            url=url,
            data=_workflow_data(inspiration),
            callback_path=reverse("n8n-inspiration", args=[inspiration.id]),
        )
    return inspiration, run


def transform_run(inspiration: Inspiration) -> WorkflowRun | None:
    """The run of the transform workflow that approving this inspiration triggered."""
    return WorkflowRun.objects.filter(
        kind=WorkflowRun.Kind.TRANSFORM, target_type="inspiration", target_id=inspiration.id
    ).first()


def _record_change(
    action: str, inspiration: Inspiration, old_status: str, *, reason=None, changes=None
) -> None:
    moved = old_status != inspiration.status
    if action == "inspiration.update" and not (moved or changes or reason):
        return  # a form saved as it was
    audit.record(
        action=action,
        target=inspiration,
        **audit.status_move(old_status, inspiration.status),
        reason=reason,
        changes=changes,
    )


def _workflow_data(inspiration: Inspiration) -> dict:
    return {
        "inspiration_id": inspiration.id,
        "title": inspiration.title,
        "description": inspiration.description,
        "project_type_code": inspiration.project_type_code,
        "source": inspiration.source,
        "parameters": inspiration.parameters,
        "score": inspiration.score,
        "review_notes": inspiration.review_notes,
    }


def _validate_parameters(project_type_code: str | None, parameters: dict) -> None:
    validate_type_parameters(active_project_type(project_type_code), parameters, field="parameters")


def _set_review(
    inspiration: Inspiration, *, review_notes: str | None = None, score: float | None = None
) -> None:
    # None means "not given": a review action adds to the review, it never erases it.
    if review_notes is not None:
        inspiration.review_notes = review_notes
    if score is not None:
        inspiration.score = score


def _lock_live(inspiration_id: int) -> Inspiration:
    return lock_live(Inspiration, pk=inspiration_id, not_found=INSPIRATION_NOT_FOUND)
