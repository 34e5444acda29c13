"""The console's task configs: a worker config chosen for one task, with its override."""

from django.contrib import admin

from core.admin_display import column
from core.admin_forms import ConsoleFormAdmin
from tasks.models import TaskConfig
from tasks.task_configs import task_configs_assign


@admin.register(TaskConfig)
class TaskConfigAdmin(ConsoleFormAdmin):
    """A link is made and changed by the assign service; there is no unassign, so no delete."""

    list_display = [
        "id",
        "task_id",
        column("config", limit=40),
        "config_priority",
        "config_active",
        column("updated_at", relative=True),
    ]
    list_select_related = ["config"]
    list_filter = ["config__worker_type", "config__config_type", "config__is_active"]
    search_fields = ["=task__id", "config__config_name", "config__worker_type"]
    raw_id_fields = ["task", "config"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        # A link is (task, config): to link another pair, add one.
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "task", "config"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_services(self, request, obj, form, change):
        (saved,) = task_configs_assign(
            task_id=obj.task_id,
            config_ids=[obj.config_id],
            override_data=form.cleaned_data.get("override_data"),
        )
        return saved

    @admin.display(description="priority", ordering="config__priority")
    def config_priority(self, link):
        return link.config.priority

    @admin.display(description="active", boolean=True, ordering="config__is_active")
    def config_active(self, link):
        return link.config.is_active
