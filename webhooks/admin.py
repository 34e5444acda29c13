from django.contrib import admin

from core.admin_display import column
from core.admin_read_only import ReadOnlyAdmin
from webhooks.models import WebhookEvent


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    """Read-only: the record of what n8n sent and what it changed."""

    list_display = [
        "id",
        "endpoint",
        "target_id",
        column("execution_id", "execution", limit=20),
        column("workflow_run", "run", limit=24),
        "status_code",
        column("created_at", relative=True),
    ]
    list_select_related = ["workflow_run"]  # the "run" column, without a query per row
    list_filter = ["endpoint", "status_code"]
    search_fields = ["=target_id", "execution_id"]
    date_hierarchy = "created_at"
