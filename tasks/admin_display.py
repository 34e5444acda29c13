"""How a task reads in the console's lists and inlines: its status with the lease's state,
attempts as "2/3", how long it ran, its error shortened."""

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.admin_display import EMPTY, duration_text, relative_text, relative_time, shortened
from tasks.models import Task

EXPIRED_STYLE = "color:#ba2121;font-weight:bold"


def lease_expired(task: Task, now) -> bool:
    return (
        task.status == Task.Status.PROCESSING
        and task.lease_expires_at is not None
        and task.lease_expires_at < now
    )


def lease_state(task: Task, now=None) -> SafeString | str:
    """'expired 7 min ago' (marked), 'live, ends in 3 min', or '—' outside processing."""
    now = now or timezone.now()
    if task.status != Task.Status.PROCESSING or task.lease_expires_at is None:
        return EMPTY
    if lease_expired(task, now):
        return format_html(
            '<span style="{}">⚠ expired {}</span>',
            EXPIRED_STYLE,
            relative_time(task.lease_expires_at, now),
        )
    return format_html("live, ends {}", relative_time(task.lease_expires_at, now))


def status_with_lease(task: Task, now=None) -> SafeString:
    """The status, and "· lease expired 7 min ago" beside a processing task whose lease ran
    out (its worker went silent; the next claim or reclaim takes it over)."""
    now = now or timezone.now()
    if not lease_expired(task, now):
        return format_html("{}", task.status)
    return format_html(
        '{} <span class="lease-expired" style="{}" title="{}">· lease expired {}</span>',
        task.status,
        EXPIRED_STYLE,
        timezone.localtime(task.lease_expires_at).strftime("%Y-%m-%d %H:%M:%S %Z"),
        relative_text(task.lease_expires_at, now),
    )


def attempts_text(task: Task) -> str:
    return f"{task.attempts}/{task.max_attempts}"


def run_duration(task: Task, now=None) -> str:
    """How long the task ran: to its completion, its failure, or until now while processing."""
    if task.started_at is None:
        return EMPTY
    if task.status == Task.Status.PROCESSING:
        return duration_text((now or timezone.now()) - task.started_at)
    if task.status == Task.Status.COMPLETED and task.completed_at:
        return duration_text(task.completed_at - task.started_at)
    if task.status == Task.Status.FAILED:
        # A failed task changes no more until it is retried: its last change is the failure.
        return duration_text(task.updated_at - task.started_at)
    return EMPTY


def error_excerpt(task: Task, limit: int = 40) -> SafeString | str:
    return shortened(task.error_message, limit)
