from django.contrib import admin
from django.utils.html import format_html

from assets import services
from assets.models import DUPLICATE_FILE_HASH_MESSAGE, Asset
from core.admin_display import column, shortened
from core.admin_soft_delete import DeletedListFilter, SoftDeleteAdmin
from core.exceptions import ApplicationError

EDITABLE_FIELDS = [
    "name",
    "description",
    "asset_type",
    "status",
    "visibility",
    "storage_path",
    "original_filename",
    "file_hash",
    "duration_seconds",
    "source",
    "asset_metadata",
]


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

    def save_row(self, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data}
            return services.asset_update(asset=obj, **fields)
        asset, created = services.asset_create(
            **{name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
        )
        if not created:
            # The API answers such a create with the existing asset; a form says so instead.
            raise ApplicationError(
                f"{DUPLICATE_FILE_HASH_MESSAGE} (asset #{asset.pk} {asset.name})",
                field="file_hash",
            )
        return asset

    def deleted_with(self, asset):
        return [
            "Nothing is cascaded: projects that name it as their output asset keep the link; "
            "its file_hash is free for a new asset."
        ]

    @admin.display(description="status", ordering="status")
    def status_and_visibility(self, asset):
        return format_html("{}<br><small>{}</small>", shortened(asset.status, 20), asset.visibility)

    def delete_row(self, asset):
        services.asset_delete(asset=asset)

    def restore_row(self, asset):
        services.asset_restore(asset=asset)
