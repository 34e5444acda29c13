import json

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from accounts import services
from accounts.crypto import CredentialsDecryptionError, decrypt_credentials, mask_credentials
from accounts.models import PlatformAccount
from core.admin_display import column
from core.admin_soft_delete import DeletedListFilter, SoftDeleteAdmin


class PlatformAccountForm(forms.ModelForm):
    """The stored credentials are never sent to the browser: the field starts empty and
    replaces them only when filled."""

    credentials = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60, "autocomplete": "off"}),
        help_text='A JSON object such as {"api_key": "...", "secret": "..."}. Leave empty to '
        "keep the stored credentials; what you type replaces all of them.",
    )

    class Meta:
        model = PlatformAccount
        fields = ["platform", "name", "status", "daily_limit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Write-only: whatever is stored, the form shows nothing.
        self.initial["credentials"] = None

    def clean_credentials(self):
        value = self.cleaned_data.get("credentials")
        if value is not None and not isinstance(value, dict):
            raise forms.ValidationError("Must be a JSON object.")
        return value

    def clean(self):
        cleaned = super().clean()
        platform, name = cleaned.get("platform"), cleaned.get("name")
        if platform and name and self.instance.deleted_at is None:
            # The constraint's condition names deleted_at, which the form does not edit, so
            # Django's own constraint validation skips it.
            clash = PlatformAccount.objects.filter(platform=platform, name=name)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("name", "An account of this platform with this name exists.")
        return cleaned


@admin.register(PlatformAccount)
class PlatformAccountAdmin(SoftDeleteAdmin):
    form = PlatformAccountForm
    list_display = [
        "id",
        "platform",
        NAME := column("name", limit=40),
        "status_and_availability",
        "usage",
        column("last_used_at", "last used", relative=True),
        column("deleted_at", relative=True),
    ]
    list_display_links = ["id", NAME]
    list_filter = [DeletedListFilter, "platform", "status"]
    search_fields = ["name", "=platform"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "masked_credentials",
        "used_today",
        "usage_date",
        "last_used_at",
        "created_at",
        "updated_at",
        "deleted_at",
    ]
    fieldsets = [
        (None, {"fields": ["platform", "name", "status", "daily_limit"]}),
        ("Credentials", {"fields": ["masked_credentials", "credentials"]}),
        ("Usage", {"fields": ["used_today", "usage_date", "last_used_at"]}),
        ("History", {"fields": ["created_at", "updated_at", "deleted_at"]}),
    ]
    actions = ["reset_usage", "soft_delete", "restore"]

    @admin.display(description="used / limit")
    def usage(self, account):
        return (
            f"{account.effective_used_today} / {account.daily_limit}, "
            f"{account.remaining_quota} left"
        )

    @admin.display(description="status", ordering="status")
    def status_and_availability(self, account):
        if account.is_available:
            return account.status
        if account.status != PlatformAccount.Status.ACTIVE:
            return account.status
        return format_html('{} <strong style="color:#ba2121">· exhausted</strong>', account.status)

    @admin.display(description="remaining")
    def remaining(self, account):
        return account.remaining_quota

    @admin.display(description="available", boolean=True)
    def available(self, account):
        return account.is_available

    @admin.display(description="stored credentials")
    def masked_credentials(self, account):
        if account.pk is None:
            return "-"
        try:
            credentials = decrypt_credentials(account.credentials_encrypted)
        except CredentialsDecryptionError as exc:
            return str(exc)
        return json.dumps(mask_credentials(credentials)) if credentials else "(none)"

    def save_row(self, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in PlatformAccountForm.Meta.fields}
        if form.cleaned_data.get("credentials") is not None:
            fields["credentials"] = form.cleaned_data["credentials"]
        if change:
            saved = services.account_update(account=obj, **fields)
        else:
            saved = services.account_create(**fields)
        return saved

    @admin.action(description="Reset today's usage of selected accounts", permissions=["change"])
    def reset_usage(self, request, queryset):
        accounts = list(queryset.live())
        for account in accounts:
            services.account_reset_usage(account=account)
        self.message_user(request, f"Usage reset on {len(accounts)} account(s).", messages.SUCCESS)

    def delete_row(self, account):
        services.account_delete(account=account)

    def restore_row(self, account):
        services.account_restore(account=account)
