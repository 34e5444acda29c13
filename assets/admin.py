from django.contrib import admin
from django.utils.html import format_html

from assets import services
from assets.models import Asset
from core.admin_display import column, shortened
from core.admin_soft_delete import DeletedListFilter, SoftDeleteAdmin


@admin.register(Asset)
class AssetAdmin(SoftDeleteAdmin):
    list_display = [
        "id",
        NAME := column("name", limit=50),
        column("asset_type", "type"),
        "status_and_visibility",
        column("source", limit=16),
        column("duration_seconds", "seconds"),
        column("created_at", relative=True),
        column("deleted_at", relative=True),
    ]
    list_display_links = ["id", NAME]
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

    @admin.display(description="status", ordering="status")
    def status_and_visibility(self, asset):
        return format_html("{}<br><small>{}</small>", shortened(asset.status, 20), asset.visibility)

    def delete_row(self, asset):
        services.asset_delete(asset=asset)

    def restore_row(self, asset):
        services.asset_restore(asset=asset)
