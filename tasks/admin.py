from django.contrib import admin, messages
from django.utils.html import format_html

from core.actors import Actor
from core.admin_display import duration_text, relative_time, shortened
from core.admin_soft_delete import DeletedListFilter
from core.exceptions import ApplicationError
from tasks import admin_display
from tasks.admin_filters import LeaseListFilter
from tasks.claims import task_release
from tasks.models import Task, TaskAttempt, TaskDependency
from tasks.services import task_update


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
class TaskAdmin(admin.ModelAdmin):
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
    list_filter = [DeletedListFilter, "status", LeaseListFilter, "task_type", "platform"]
    search_fields = ["=id", "=commit_id", "task_type", "worker_id", "project__name"]
    list_select_related = ["project"]
    date_hierarchy = "created_at"
    inlines = [DependencyInline, AttemptInline]
    actions = ["retry", "release"]

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
        self._apply(
            request,
            queryset.live().filter(status=Task.Status.FAILED),
            "retried",
            lambda task: task_update(
                task_id=task.id, status=Task.Status.PENDING, actor=Actor.operator(request.user)
            ),
        )

    @admin.action(
        description="Release: give selected processing tasks back to the queue",
        permissions=["change"],
    )
    def release(self, request, queryset):
        self._apply(
            request,
            queryset.live().filter(status=Task.Status.PROCESSING),
            "released",
            lambda task: task_release(task_id=task.id, actor=Actor.operator(request.user)),
        )

    def _apply(self, request, tasks, verb, service) -> None:
        done = 0
        for task in tasks:
            try:
                service(task)
            except ApplicationError as exc:
                self.message_user(request, f"Task #{task.id}: {exc.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"{done} task(s) {verb}.", messages.SUCCESS)
