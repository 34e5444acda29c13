from django.contrib import admin, messages

from assets import services
from assets.models import Asset
from core.exceptions import ApplicationError


class DeletedListFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", "Live"), ("yes", "Deleted")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.live()
        if self.value() == "yes":
            return queryset.deleted()
        return queryset


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "name",
        "asset_type",
        "status",
        "visibility",
        "source",
        "duration_seconds",
        "created_at",
        "deleted_at",
    ]
    list_display_links = ["id", "name"]
    list_filter = [DeletedListFilter, "asset_type", "status", "visibility", "source"]
    search_fields = ["name", "description", "storage_path", "original_filename", "=file_hash"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at", "deleted_at"]
    actions = ["soft_delete", "restore"]
    fieldsets = [
        (None, {"fields": ["name", "description", "asset_type", "status", "visibility"]}),
        (
            "File",
            {
                "fields": [
                    "storage_path",
                    "original_filename",
                    "file_hash",
                    "duration_seconds",
                    "source",
                    "asset_metadata",
                ]
            },
        ),
        ("History", {"fields": ["created_at", "updated_at", "deleted_at"]}),
    ]

    def get_queryset(self, request):
        # Soft-deleted assets stay visible here, so that they can be restored.
        return Asset.all_objects.all()

    def get_actions(self, request):
        # The API never hard-deletes; the bulk action here soft-deletes too.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Soft-delete selected assets", permissions=["change"])
    def soft_delete(self, request, queryset):
        assets = list(queryset.live())
        for asset in assets:
            services.asset_delete(asset=asset)
        self.message_user(request, f"{len(assets)} asset(s) deleted.", messages.SUCCESS)

    @admin.action(description="Restore selected assets", permissions=["change"])
    def restore(self, request, queryset):
        restored = 0
        for asset in queryset.deleted():
            try:
                services.asset_restore(asset=asset)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                restored += 1
        self.message_user(request, f"{restored} asset(s) restored.", messages.SUCCESS)
