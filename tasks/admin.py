from django.contrib import admin, messages

from core.actors import Actor
from core.admin_audit import AuditHistoryAdmin
from core.admin_soft_delete import DeletedListFilter
from core.exceptions import ApplicationError
from tasks.claims import task_release
from tasks.models import Task, TaskDependency
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


@admin.register(Task)
class TaskAdmin(AuditHistoryAdmin):
    """Tasks change through their services only: the admin reads, retries and releases."""

    list_display = [
        "id",
        "project",
        "task_type",
        "status",
        "priority",
        "attempts",
        "max_attempts",
        "platform",
        "worker_id",
        "lease_expires_at",
        "commit_id",
        "updated_at",
    ]
    list_filter = [DeletedListFilter, "status", "task_type", "platform"]
    search_fields = ["=id", "=commit_id", "task_type", "worker_id", "project__name"]
    list_select_related = ["project"]
    date_hierarchy = "created_at"
    inlines = [DependencyInline]
    actions = ["retry", "release"]

    def get_queryset(self, request):
        # Tasks of deleted projects stay visible (filter "deleted"), read-only like the rest.
        return Task.all_objects.select_related("project", "platform_account")

    # The lease token is the worker's proof of holding the task: never shown.
    exclude = ["lease_token"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Task._meta.fields if field.name not in self.exclude]

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
