from django.contrib import admin, messages

from core.admin_display import column
from workerconfigs import services
from workerconfigs.models import TaskConfig, WorkerConfig


@admin.register(WorkerConfig)
class WorkerConfigAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        NAME := column("config_name", "name", limit=40),
        column("worker_type", limit=24),
        column("config_type", limit=24),
        "priority",
        "is_active",
        column("updated_at", relative=True),
    ]
    list_display_links = ["id", NAME]
    list_filter = ["is_active", "worker_type", "config_type"]
    search_fields = ["config_name", "worker_type", "config_type", "description"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at"]
    actions = ["activate", "deactivate"]

    def get_actions(self, request):
        # Like the API, the bulk action only deactivates: tasks may still point at a config.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Activate selected configs", permissions=["change"])
    def activate(self, request, queryset):
        configs = list(queryset.filter(is_active=False))
        for config in configs:
            services.worker_config_update(config=config, is_active=True)
        self.message_user(request, f"{len(configs)} config(s) activated.", messages.SUCCESS)

    @admin.action(description="Deactivate selected configs", permissions=["change"])
    def deactivate(self, request, queryset):
        configs = list(queryset.filter(is_active=True))
        for config in configs:
            services.worker_config_deactivate(config=config)
        self.message_user(request, f"{len(configs)} config(s) deactivated.", messages.SUCCESS)


@admin.register(TaskConfig)
class TaskConfigAdmin(admin.ModelAdmin):
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

    @admin.display(description="priority", ordering="config__priority")
    def config_priority(self, link):
        return link.config.priority

    @admin.display(description="active", boolean=True, ordering="config__is_active")
    def config_active(self, link):
        return link.config.is_active
