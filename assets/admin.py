from django.contrib import admin

from assets import services
from assets.models import Asset
from core.admin_soft_delete import DeletedListFilter, SoftDeleteAdmin


@admin.register(Asset)
class AssetAdmin(SoftDeleteAdmin):
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

    def save_row(self, obj, form, change):
        # Through the services, so that the audit trail records the save.
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data}
            return services.asset_update(asset=obj, **fields)
        asset, _ = services.asset_create(
            **{name: form.cleaned_data.get(name) for name in form.fields}
        )
        return asset

    def delete_row(self, asset):
        services.asset_delete(asset=asset)

    def restore_row(self, asset):
        services.asset_restore(asset=asset)
