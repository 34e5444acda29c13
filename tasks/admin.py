from django import forms
from django.contrib import admin
from django.utils.html import format_html

from core.actors import Actor
from core.admin_audit import AuditHistoryAdmin
from core.admin_display import duration_text, relative_time, shortened
from core.admin_record_actions import (
    Outcome,
    RecordAction,
    RecordActionsAdmin,
    admin_link,
    named,
)
from core.admin_soft_delete import DeletedListFilter
from core.transitions import is_allowed

# Registers the task configs' admin beside the tasks' (a module of its own, as their views).
from tasks import (
    admin_display,
    task_config_admin,  # noqa: F401
)
from tasks.admin_filters import LeaseListFilter, ReadyListFilter, RecentFailureListFilter
from tasks.models import Task, TaskAttempt, TaskDependency
from tasks.services import task_fail, task_release, task_update


class DependencyInline(admin.TabularInline):
    model = TaskDependency
    fk_name = "task"
    fields = ["depends_on", "depends_on_status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "depends on"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="status")
    def depends_on_status(self, link):
        return link.depends_on.status


class FailForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept as the task's error message, for whoever looks at it next.",
    )


def _refusal_unless(status: str):
    def refusal(task: Task) -> str | None:
        if task.deleted_at is not None:
            return "is deleted"
        if task.status != status:
            return f"is {task.status}, not {status}"
        return None

    return refusal


def _fail_refusal(task: Task) -> str | None:
    if task.deleted_at is not None:
        return "is deleted"
    if task.status == Task.Status.FAILED or not is_allowed(
        Task.TRANSITIONS, task.status, Task.Status.FAILED
    ):
        return f"is {task.status}"
    return None


class AttemptInline(admin.TabularInline):
    """Each lease of the task, oldest first: who ran it, when, how long, how it ended."""

    model = TaskAttempt
    fields = ["number", "worker", "claimed", "finished", "duration", "outcome", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "attempts"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="worker")
    def worker(self, attempt):
        return attempt.worker_id or "—"

    @admin.display(description="claimed")
    def claimed(self, attempt):
        return relative_time(attempt.claimed_at)

    @admin.display(description="finished")
    def finished(self, attempt):
        return relative_time(attempt.finished_at) if attempt.finished_at else "running"

    @admin.display(description="duration")
    def duration(self, attempt):
        return duration_text(attempt.duration)

    @admin.display(description="error")
    def error(self, attempt):
        return shortened(attempt.error_message, 80)


@admin.register(Task)
class TaskAdmin(RecordActionsAdmin, AuditHistoryAdmin):
    """Tasks change through their services only: the admin reads, retries and releases."""

    # Fits 1280 px: long texts shortened (whole in their title), times relative.
    list_display = [
        "id",
        "task_and_project",
        "status_shown",
        "attempts_shown",
        "worker",
        "error",
        "duration",
        "updated",
    ]
    list_filter = [
        DeletedListFilter,
        "status",
        LeaseListFilter,
        ReadyListFilter,
        RecentFailureListFilter,
        "task_type",
        "platform",
    ]
    search_fields = ["=id", "=commit_id", "task_type", "worker_id", "project__name"]
    list_select_related = ["project"]
    date_hierarchy = "created_at"
    inlines = [DependencyInline, AttemptInline]
    actions = ["retry", "release"]
    record_actions = [
        RecordAction(
            "retry",
            "Retry",
            handler="retry_record",
            refusal=_refusal_unless(Task.Status.FAILED),
            confirmation="The task goes back to the queue (pending, or waiting for its "
            "dependencies) and a worker may claim it again.",
        ),
        RecordAction(
            "release",
            "Release",
            handler="release_record",
            refusal=_refusal_unless(Task.Status.PROCESSING),
            confirmation="The task is taken from its worker and goes back to the queue at "
            "once; the attempt is not counted. A late report of that worker is refused.",
        ),
        RecordAction(
            "fail",
            "Fail",
            handler="fail_record",
            refusal=_fail_refusal,
            form=FailForm,
            confirmation="The task fails for good (it is not retried) and its project's "
            "counters and status follow.",
        ),
    ]

    def get_queryset(self, request):
        # Tasks of deleted projects stay visible (filter "deleted"), read-only like the rest.
        return Task.all_objects.select_related("project", "platform_account")

    # The lease token is the worker's proof of holding the task: never shown.
    exclude = ["lease_token"]

    def get_readonly_fields(self, request, obj=None):
        fields = [field.name for field in Task._meta.fields if field.name not in self.exclude]
        # The lease's state (expired or not, relative) beside its deadline; the run's length.
        at = fields.index("lease_expires_at") + 1
        return [*fields[:at], "lease_state", "duration", *fields[at:]]

    def has_change_permission(self, request, obj=None):
        # A task's page is for reading (no Save): tasks change through their services only.
        # Without an object, the list actions keep the "change" permission they ask for.
        if obj is not None:
            return False
        return super().has_change_permission(request)

    @admin.display(description="task · project", ordering="task_type")
    def task_and_project(self, task):
        return format_html(
            "{}<br><small>{}</small>",
            shortened(task.task_type, 24),
            shortened(f"#{task.project_id} {task.project.name}", 24),
        )

    @admin.display(description="status", ordering="status")
    def status_shown(self, task):
        return admin_display.status_with_lease(task)

    @admin.display(description="attempts", ordering="attempts")
    def attempts_shown(self, task):
        return admin_display.attempts_text(task)

    @admin.display(description="worker", ordering="worker_id")
    def worker(self, task):
        return shortened(task.worker_id, 18)

    @admin.display(description="error")
    def error(self, task):
        return admin_display.error_excerpt(task, 36)

    @admin.display(description="ran")
    def duration(self, task):
        return admin_display.run_duration(task)

    @admin.display(description="lease")
    def lease_state(self, task):
        return admin_display.lease_state(task)

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, task):
        return relative_time(task.updated_at)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description="Retry: put selected failed tasks back to pending", permissions=["change"]
    )
    def retry(self, request, queryset):
        self.apply_to_rows(request, queryset.order_by("id"), "retry")

    @admin.action(
        description="Release: give selected processing tasks back to the queue",
        permissions=["change"],
    )
    def release(self, request, queryset):
        self.apply_to_rows(request, queryset.order_by("id"), "release")

    def retry_record(self, request, task, data) -> Outcome:
        task = task_update(
            task_id=task.id, status=Task.Status.PENDING, actor=Actor.operator(request.user)
        )
        return Outcome(format_html("{} retried: it is {} again.", _task_link(task), task.status))

    def release_record(self, request, task, data) -> Outcome:
        task = task_release(task_id=task.id, actor=Actor.operator(request.user))
        return Outcome(
            format_html(
                "{} released: {} again, the attempt not counted.", _task_link(task), task.status
            )
        )

    def fail_record(self, request, task, data) -> Outcome:
        task = task_fail(task_id=task.id, actor=Actor.operator(request.user), reason=data["reason"])
        project = task.project
        project.refresh_from_db()
        return Outcome(
            format_html(
                "{} failed: “{}”. {} is {}.",
                _task_link(task),
                data["reason"],
                admin_link(project, f"Project #{project.pk} “{project.name}”"),
                project.status,
            )
        )


def _task_link(task: Task):
    return admin_link(task, f"{named(task).capitalize()} ({task.task_type})")
