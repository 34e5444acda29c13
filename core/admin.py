from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.html import format_html

from core import admin_api_clients  # noqa: F401  (registers the API clients' admin)
from core.admin_audit import AuditHistoryAdmin
from core.admin_display import column, shortened
from core.admin_filters import PendingTooLongListFilter
from core.admin_read_only import ReadOnlyAdmin
from core.admin_record_actions import (
    Outcome,
    RecordAction,
    RecordActionsAdmin,
    admin_link,
    what_went_wrong,
)
from core.models import IdempotencyRecord, WorkflowRun
from core.n8n import stale_pending_runs, workflow_run_retry


def _retry_refusal(run: WorkflowRun) -> str | None:
    if run.state == WorkflowRun.State.FAILED:
        return None
    if WorkflowRun.objects.filter(stale_pending_runs(), pk=run.pk).exists():
        return None  # left pending by a send that died
    return f"is {run.state}, not failed"


@admin.register(WorkflowRun)
class WorkflowRunAdmin(RecordActionsAdmin, AuditHistoryAdmin, ReadOnlyAdmin):
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
    list_filter = ["kind", "state", PendingTooLongListFilter, "target_type"]
    search_fields = ["=id", "=target_id", "execution_id", "url", "error"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    record_actions = [
        RecordAction(
            "retry",
            "Retry",
            handler="retry_record",
            refusal=_retry_refusal,
            confirmation="The same payload (the same runId) is sent to {obj.url} again.",
        ),
    ]

    @admin.display(description="target", ordering="target_id")
    def target(self, run):
        return shortened(f"{run.target_type} #{run.target_id}", 24)

    @admin.display(description="state", ordering="state")
    def state_and_http_status(self, run):
        return f"{run.state} ({run.http_status})" if run.http_status else run.state

    # Deleting a record frees its key before the window ends (what purge_idempotency_keys
    # does once it is over): a cache entry, not a record of the business, hence a real delete.

    def has_retry_permission(self, request):
        # Runs are never edited, so "change" is the right to send one again (operators).
        return request.user.has_perm("core.change_workflowrun")

    @admin.action(description="Retry selected failed runs", permissions=["retry"])
    def retry(self, request, queryset):
        self.apply_to_rows(request, queryset.order_by("id"), "retry")

    def retry_record(self, request, run, data) -> Outcome:
        run = workflow_run_retry(run_id=run.pk)
        link = admin_link(run, f"Workflow run #{run.pk}")
        if run.state == WorkflowRun.State.FAILED:
            return Outcome(
                format_html(
                    "{} sent again, but {} — retry it when it is back.",
                    link,
                    what_went_wrong(run),
                ),
                messages.WARNING,
            )
        return Outcome(format_html("{} sent again: n8n accepted it.", link))


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

    # Deleting a record frees its key before the window ends (what purge_idempotency_keys
    # does once it is over): a cache entry, not a record of the business, hence a real delete.


# Nothing is hard-deleted from the console. People are deactivated (untick "active"): their
# name stays on what they did. The groups are the console's roles, kept by a migration. The
# sign-in logs are history; a lockout (AccessAttempt) is deleted to unlock, as axes intends.
class NoDelete:
    def has_delete_permission(self, request, obj=None):
        return False


for model, base in (
    (get_user_model(), UserAdmin),
    (Group, GroupAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (NoDelete, base), {}))
