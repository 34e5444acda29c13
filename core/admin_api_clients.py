"""API clients in the console: create one (its token shown once), change its role, rotate
or revoke its tokens. Tokens themselves are never listed: only digests are stored."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from knox.models import AuthToken
from rest_framework.authtoken.models import TokenProxy

from core.admin_display import column, shortened
from core.admin_forms import ConsoleFormAdmin, refusals_as_form_errors
from core.models import ApiClient
from core.roles import API_ROLE_CHOICES, DEFAULT_API_ROLE
from core.services import (
    api_client_create,
    api_client_revoke,
    api_client_rotate_token,
    api_client_set_role,
)

# knox's admin lists digests and DRF's lists clear tokens (its table is empty since the
# roles migration); clients are managed here instead.
for model in (AuthToken, TokenProxy):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class ApiClientAddForm(forms.ModelForm):
    name = forms.CharField(max_length=150, help_text="Who uses the token, e.g. render-worker-1.")
    role = forms.ChoiceField(choices=API_ROLE_CHOICES, initial=DEFAULT_API_ROLE)

    class Meta:
        model = ApiClient
        fields = ["role"]

    # A taken or blank name is refused by api_client_create, beside this field.


@admin.register(ApiClient)
class ApiClientAdmin(ConsoleFormAdmin):
    list_display = ["name", "role", "token_count", column("created_at", relative=True)]
    list_filter = ["role"]
    search_fields = ["user__username"]
    ordering = ["user__username"]
    actions = ["rotate_tokens", "revoke_tokens"]
    fields = ["role"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(tokens=Count("user__auth_token_set"))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientAddForm
            kwargs["fields"] = ["name", "role"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["name", "role"] if obj is None else ["name_shown", "role"]

    def get_readonly_fields(self, request, obj=None):
        return ["name_shown"] if obj is not None else []

    @admin.display(description="name", ordering="user__username")
    def name(self, obj):
        return shortened(obj.user.username, 40)

    @admin.display(description="name")
    def name_shown(self, obj):
        return obj.user.username

    @admin.display(description="tokens", ordering="tokens")
    def token_count(self, obj):
        return obj.tokens

    def save_model(self, request, obj, form, change):
        if change:
            with refusals_as_form_errors(form, self.model):
                api_client_set_role(client=obj, role=form.cleaned_data["role"])
            return
        with refusals_as_form_errors(form, self.model):
            client, token = api_client_create(
                name=form.cleaned_data["name"], role=form.cleaned_data["role"]
            )
        obj.pk, obj.user, obj.created_at = client.pk, client.user, client.created_at
        self._show_token_once(request, client, token)

    def delete_model(self, request, obj):
        api_client_revoke(client=obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description="Rotate tokens (revoke all, issue one, shown once)", permissions=["change"]
    )
    def rotate_tokens(self, request, queryset):
        for client in queryset:
            self._show_token_once(request, client, api_client_rotate_token(client=client))

    @admin.action(description="Revoke tokens", permissions=["change"])
    def revoke_tokens(self, request, queryset):
        revoked = sum(api_client_revoke(client=client) for client in queryset)
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)

    def _show_token_once(self, request, client, token: str) -> None:
        self.message_user(
            request,
            f"Token of {client.user.username} ({client.role}): {token} — copy it now, it is "
            "stored hashed and will not be shown again.",
            messages.WARNING,
        )
