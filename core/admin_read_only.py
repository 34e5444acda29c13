from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record of what happened: nobody adds, edits or deletes one from the console
    (superusers included); record actions and list actions may still act through services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
