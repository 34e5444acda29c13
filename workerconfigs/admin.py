from django.contrib import admin, messages

from core.admin_display import column
from core.admin_soft_delete import ServiceDeleteAdmin
from workerconfigs import services
from workerconfigs.models import WorkerConfig


@admin.register(WorkerConfig)
class WorkerConfigAdmin(ServiceDeleteAdmin):
    """Deleting a config deactivates it, as the API's DELETE does: tasks may still name it."""

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

    delete_verb = "deactivate"
    delete_note = (
        "It stays, inactive: no longer merged into the configs of the tasks it is assigned to, "
        "and not assignable until activated again."
    )

    def deletable(self, queryset):
        return queryset.filter(is_active=True)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_active:
            return False
        return super().has_delete_permission(request, obj)

    def delete_row(self, config):
        services.worker_config_deactivate(config=config)

    def deleted_with(self, config):
        assigned = config.task_links.count()
        return [f"Nothing is deleted: its {assigned} task assignment(s) stay."]

    def save_through_services(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            return services.worker_config_update(config=obj, **fields)
        return services.worker_config_create(
            **{name: form.cleaned_data[name] for name in form.fields}
        )

    def save_model(self, request, obj, form, change):
        # Through the services, so that the audit trail records the save.
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            saved = services.worker_config_update(config=obj, **fields)
        else:
            saved = services.worker_config_create(
                **{name: form.cleaned_data[name] for name in form.fields}
            )
        for field in WorkerConfig._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))

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
