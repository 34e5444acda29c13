"""The audit trail: who changed what, recorded by the services in the change's transaction.

Who is acting travels in a context variable, set once where a request or a command starts
(the middleware below for the console and the API, webhook_deliver for n8n, `AuditedCommand`
for management commands), so services need no extra argument: a service records with

    audit.record(action="inspiration.approve", target=inspiration, from_status=old,
                 to_status=inspiration.status, reason=review_notes)

and a service that changes many rows builds entries with `audit.entry(...)` and writes them
with one `audit.record_many(entries)` (one INSERT).
"""

import json
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

from core.actors import API_CLIENT_KIND, Actor
from core.models import AuditEntry

# An Actor, or a function giving one: a request's actor is resolved when a service records,
# after DRF has authenticated the request inside its view.
_acting: ContextVar[Actor | Callable[[], Actor | None] | None] = ContextVar(
    "shortsgen_actor", default=None
)

# Fields whose values never reach the trail: only the fact that they changed.
SECRET_FIELDS = frozenset(
    {"credentials", "credentials_encrypted", "lease_token", "token", "token_key", "password"}
)
HIDDEN = "(hidden)"
# A longer value (a task template, a task's output) is recorded by its size only.
MAX_VALUE_CHARS = 1000
UNKNOWN_ACTOR = Actor.system("system")

# The actions the services record, listed by the console's filter. A new service records
# under a new dotted name and adds it here.
ACTIONS = (
    "inspiration.create",
    "inspiration.update",
    "inspiration.approve",
    "inspiration.reject",
    "inspiration.regenerate",
    "inspiration.delete",
    "inspiration.restore",
    "project.create",
    "project.update",
    "project.status",
    "project.regenerate",
    "project.recount",
    "project.delete",
    "project.restore",
    "project_type.create",
    "project_type.update",
    "project_type.activate",
    "project_type.deactivate",
    "project_type.reorder",
    "project_type.delete",
    "project_type.restore",
    "task.create",
    "task.claim",
    "task.report",
    "task.fail",
    "task.update",
    "task.retry",
    "task.release",
    "task.requeue",
    "task.lease_expired",
    "task.delete",
    "task.restore",
    "worker_config.create",
    "worker_config.update",
    "worker_config.activate",
    "worker_config.deactivate",
    "worker_config.assign",
    "account.create",
    "account.update",
    "account.reset_usage",
    "account.rotate_credentials",
    "account.delete",
    "account.restore",
    "asset.create",
    "asset.update",
    "asset.delete",
    "asset.restore",
    "workflow_run.send",
    "workflow_run.retry",
    "workflow_run.callback",
    "workflow_run.expire",
    "api_client.create",
    "api_client.rotate",
    "api_client.set_role",
    "api_client.revoke",
)
AUDITED_MODEL_NAMES = (
    "inspirations.Inspiration",
    "projects.Project",
    "projects.ProjectType",
    "tasks.Task",
    "workerconfigs.WorkerConfig",
    "accounts.PlatformAccount",
    "assets.Asset",
    "core.WorkflowRun",
    "core.ApiClient",
)


def AUDITED_MODELS() -> list:
    from django.apps import apps

    return [apps.get_model(name) for name in AUDITED_MODEL_NAMES]


@contextmanager
def acting_as(actor: Actor | Callable[[], Actor | None]):
    """Everything recorded inside the block is done by `actor`."""
    token = _acting.set(actor)
    try:
        yield
    finally:
        # Reset, not set(None): an outer block (a command calling a service that acts as
        # n8n, say) gets its own actor back, and a request's never leaks to the next one.
        _acting.reset(token)


def current_actor(default: Actor | None = None) -> Actor | None:
    value = _acting.get()
    if callable(value):
        value = value()
    return value or default


def entry(
    *,
    action: str,
    target=None,
    target_model=None,
    target_id: int | None = None,
    target_repr: str | None = None,
    from_status: str | None = "",
    to_status: str | None = "",
    reason: str | None = "",
    changes: dict | None = None,
    actor: Actor | None = None,
) -> AuditEntry:
    """An unsaved entry: by the current actor (else `actor`, else "system") on `target`
    (an instance, or `target_model` and `target_id`)."""
    if target is not None:
        target_model, target_id = type(target), target.pk
        if target_repr is None:
            target_repr = str(target)
    return AuditEntry(
        **actor_columns(actor),
        action=action,
        target_type=ContentType.objects.get_for_model(target_model, for_concrete_model=True),
        target_id=target_id,
        target_repr=(target_repr or "")[:200],
        from_status=from_status or "",
        to_status=to_status or "",
        reason=reason or "",
        changes=changes or {},
    )


def actor_columns(actor: Actor | None = None) -> dict:
    """Who an entry is by: the current actor, else `actor`, else "system" (for entries
    written by SQL of the services' own, as the tasks' one-statement paths do)."""
    who = current_actor(default=actor) or UNKNOWN_ACTOR
    return {
        "actor_kind": who.kind,
        "actor_name": who.name[:150],
        "actor_user_id": who.user_id,
        "execution_id": (who.execution_id or "")[:255],
    }


def record(**kwargs) -> AuditEntry:
    """Record one entry now (in the caller's transaction)."""
    audit_entry = entry(**kwargs)
    audit_entry.save(force_insert=True)
    return audit_entry


def status_move(old: str, new: str) -> dict[str, str]:
    """The entry's from/to statuses: blank both when the status stayed (an edit of fields)."""
    if old == new:
        return {"from_status": "", "to_status": ""}
    return {"from_status": old, "to_status": new}


def record_if_changed(**kwargs) -> AuditEntry | None:
    """Record an edit, unless it changed nothing (a form saved as it was)."""
    changed = kwargs.get("from_status") != kwargs.get("to_status") or kwargs.get("changes")
    if not changed and not kwargs.get("reason"):
        return None
    return record(**kwargs)


def record_many(entries: Iterable[AuditEntry]) -> None:
    """Record entries with one INSERT (SQLite splits more than ~75 rows into several)."""
    entries = list(entries)
    if entries:
        AuditEntry.objects.bulk_create(entries)


def changes_between(before: dict, after: dict) -> dict:
    """{field: [old, new]} of the fields whose value differs; secrets by name only."""
    changed = {}
    for name, new in after.items():
        old = before.get(name)
        if isinstance(new, Model):
            new = new.pk
        if old == new:
            continue
        if name in SECRET_FIELDS:
            changed[name] = [HIDDEN, HIDDEN]
        else:
            changed[name] = [shown(old), shown(new)]
    return changed


def field_values(obj, names: Iterable[str]) -> dict:
    """The current values of these fields of `obj` (to compare after an edit); a related
    object by its id, read without a query."""
    values = {}
    for name in names:
        field = _concrete_field(type(obj), name)
        attname = field.attname if field is not None else name
        values[name] = getattr(obj, attname, None)
    return values


def _concrete_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def shown(value):
    """A value as the trail keeps it: a long one by its size only."""
    if isinstance(value, Model):
        return value.pk
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if len(text) > MAX_VALUE_CHARS:
        return f"({len(text)} characters, not recorded)"
    return json.loads(text)


class AuditMiddleware:
    """Every request acts as whoever sent it: the person signed in to the console, or the
    API client of its token. Resolved when a service records, since DRF authenticates
    inside the view; reset when the request ends, so nothing leaks to the next one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(lambda: _request_actor(request)):
            return self.get_response(request)


def _request_actor(request) -> Actor | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if hasattr(user, "api_role"):  # a token's client (core.authentication), or n8n's HMAC
        return Actor(
            role=user.api_role,
            name=user.username,
            user_id=getattr(user, "pk", None),
            kind=API_CLIENT_KIND,
        )
    # A person: whoever may change something in the console acts as an operator (viewers
    # change nothing); no query for the groups on every change.
    return Actor.operator(user)


class AuditedCommand(BaseCommand):
    """A management command whose changes the trail records under the command's name."""

    def execute(self, *args, **options):
        name = type(self).__module__.rsplit(".", 1)[-1]
        with acting_as(Actor.command(name)):
            return super().execute(*args, **options)
