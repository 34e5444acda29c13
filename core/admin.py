from django.contrib import admin, messages

from core import admin_api_clients  # noqa: F401  (registers the API clients' admin)
from core.admin_display import column, shortened
from core.exceptions import ApplicationError
from core.models import IdempotencyRecord, WorkflowRun
from core.n8n import workflow_run_retry


@admin.register(WorkflowRun)
class WorkflowRunAdmin(admin.ModelAdmin):
    """Read-only: a run is a record of what was sent; the only thing to do is send it again."""

    list_display = [
        "id",
        "kind",
        "target",
        "state_and_http_status",
        "attempts",
        column("execution_id", "execution", limit=20),
        column("created_at", relative=True),
    ]
    list_filter = ["kind", "state", "target_type"]
    search_fields = ["=id", "=target_id", "execution_id", "url", "error"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    @admin.display(description="target", ordering="target_id")
    def target(self, run):
        return shortened(f"{run.target_type} #{run.target_id}", 24)

    @admin.display(description="state", ordering="state")
    def state_and_http_status(self, run):
        return f"{run.state} ({run.http_status})" if run.http_status else run.state

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_retry_permission(self, request):
        # Runs are never edited, so "change" is the right to send one again (operators).
        return request.user.has_perm("core.change_workflowrun")

    @admin.action(description="Retry selected failed runs", permissions=["retry"])
    def retry(self, request, queryset):
        succeeded = 0
        for run_id in queryset.order_by("id").values_list("id", flat=True):
            try:
                run = workflow_run_retry(run_id=run_id)
            except ApplicationError as exc:
                self.message_user(request, f"Run {run_id}: {exc.message}", messages.WARNING)
                continue
            if run.state == WorkflowRun.State.SUCCEEDED:
                succeeded += 1
            else:
                self.message_user(
                    request, f"Run {run_id} failed again: {run.error}", messages.ERROR
                )
        if succeeded:
            self.message_user(request, f"{succeeded} run(s) sent.", messages.SUCCESS)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """Read-only; deleting a record frees its key before the window ends."""

    list_display = [
        "id",
        column("user", limit=20),
        "method",
        column("path", limit=32),
        column("key", limit=24),
        column("response_status", "status"),
        column("created_at", relative=True),
    ]
    list_filter = ["method", "path", "response_status"]
    list_select_related = ["user"]
    search_fields = ["key", "=user__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
