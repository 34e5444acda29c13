from django import forms
from django.contrib import admin
from django.utils.html import format_html

from accounts import services
from accounts.admin_filters import QuotaListFilter
from accounts.crypto import (
    CredentialsDecryptionError,
    decrypt_credentials,
    fingerprint_credentials,
)
from accounts.models import PlatformAccount
from core.admin_display import column
from core.admin_forms import ConsoleJSONField
from core.admin_record_actions import Outcome, RecordAction, RecordActionsAdmin, admin_link
from core.admin_soft_delete import DeletedListFilter, SoftDeleteAdmin


class PlatformAccountForm(forms.ModelForm):
    """The stored credentials are never sent to the browser: the field starts empty and
    replaces them only when filled."""

    credentials = ConsoleJSONField(
        show_typed=False,
        help_text='A JSON object such as {"api_key": "...", "secret": "..."}. Leave empty to '
        "keep the stored credentials; what you type replaces all of them. Secrets are never "
        "sent back to the browser: after an error, type them again.",
    )

    class Meta:
        model = PlatformAccount
        fields = ["platform", "name", "status", "daily_limit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Write-only: whatever is stored, the form shows nothing.
        self.initial["credentials"] = None


def _reset_usage_refusal(account: PlatformAccount) -> str | None:
    if account.deleted_at is not None:
        return "is deleted"
    if account.effective_used_today == 0:
        return "has used nothing today"
    return None


@admin.register(PlatformAccount)
class PlatformAccountAdmin(RecordActionsAdmin, SoftDeleteAdmin):
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
    list_filter = [DeletedListFilter, "platform", "status", QuotaListFilter]
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
    record_actions = [
        RecordAction(
            "reset_usage",
            "Reset usage",
            handler="reset_usage_record",
            refusal=_reset_usage_refusal,
            confirmation="Set today's usage of {obj} from {obj.effective_used_today} back to 0 "
            "of its {obj.daily_limit}: workers may use its whole daily quota again today.",
        ),
    ]

    def get_queryset(self, request):
        # Annotated so that the usage column sorts by today's remaining quota, in SQL.
        return super().get_queryset(request).with_quota()

    @admin.display(description="used / limit", ordering="quota_remaining")
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

    @admin.display(description="stored credentials")
    def masked_credentials(self, account):
        if account.pk is None:
            return "-"
        try:
            credentials = decrypt_credentials(account.credentials_encrypted)
        except CredentialsDecryptionError as exc:
            return str(exc)
        if not credentials:
            return "(none)"
        hints = fingerprint_credentials(credentials)
        return ", ".join(f"{key} {hint}" for key, hint in hints.items())

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
        self.apply_to_rows(request, queryset.order_by("id"), "reset_usage")

    def reset_usage_record(self, request, account, data) -> Outcome:
        used = account.effective_used_today
        account = services.account_reset_usage(account=account)
        return Outcome(
            format_html(
                "{}: today's usage reset from {} to {} of {}.",
                admin_link(account, f"Platform account #{account.pk} “{account}”"),
                used,
                account.used_today,
                account.daily_limit,
            )
        )

    def delete_row(self, account):
        services.account_delete(account=account)

    def restore_row(self, account):
        services.account_restore(account=account)

    def deleted_with(self, account):
        bound = account.tasks.exclude(status__in=account.tasks.model.TERMINAL).count()
        return [
            f"Nothing is cascaded: {account.tasks.count()} task(s) bound to it ({bound} not "
            "finished) keep the binding; the account is no longer listed, available or used by "
            "claims."
        ]
