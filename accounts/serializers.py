from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.crypto import MASK, CredentialsDecryptionError, decrypt_credentials, mask_credentials
from accounts.models import PlatformAccount
from core.exceptions import ApplicationError
from core.fields import ChoiceField, JSONObjectField

MAX_QUOTA = 2**31 - 1


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "enum": [MASK]},
        "example": {"api_key": MASK},
        "description": "The credential names; every value is masked.",
    }
)
class MaskedCredentialsField(serializers.Field):
    """Shows which credentials an account holds, never their values."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, account: PlatformAccount) -> dict:
        try:
            return mask_credentials(decrypt_credentials(account.credentials_encrypted))
        except CredentialsDecryptionError as exc:
            raise ApplicationError(
                f"Platform account {account.pk}: {exc}", status_code=500
            ) from None


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "example": {"api_key": "string", "secret": "string"},
    }
)
class CredentialsInputField(JSONObjectField):
    """A credentials object as sent by a client (the services refuse the mask as a value)."""


class PlatformAccountSerializer(serializers.ModelSerializer):
    credentials = MaskedCredentialsField()
    used_today = serializers.IntegerField(source="effective_used_today", read_only=True)
    is_available = serializers.BooleanField(read_only=True)
    remaining_quota = serializers.IntegerField(read_only=True)

    class Meta:
        model = PlatformAccount
        fields = [
            "id",
            "platform",
            "name",
            "credentials",
            "status",
            "daily_limit",
            "used_today",
            "last_used_at",
            "is_available",
            "remaining_quota",
            "created_at",
            "updated_at",
        ]


class PlatformAccountListSerializer(PlatformAccountSerializer):
    """A list row: the contract's fields plus last_used_at and updated_at; no credentials."""

    credentials = None

    class Meta(PlatformAccountSerializer.Meta):
        fields = [f for f in PlatformAccountSerializer.Meta.fields if f != "credentials"]


class PlatformAccountCreateSerializer(serializers.Serializer):
    platform = ChoiceField(PlatformAccount.Platform.choices)
    name = serializers.CharField(max_length=255)
    credentials = CredentialsInputField(required=False)
    status = ChoiceField(PlatformAccount.Status.choices, required=False)
    daily_limit = serializers.IntegerField(min_value=0, max_value=MAX_QUOTA, required=False)


class PlatformAccountUpdateSerializer(serializers.Serializer):
    """PUT /api/platform-accounts/{id}: every field optional; credentials replace the old."""

    platform = ChoiceField(PlatformAccount.Platform.choices, required=False)
    name = serializers.CharField(max_length=255, required=False)
    credentials = CredentialsInputField(required=False)
    status = ChoiceField(PlatformAccount.Status.choices, required=False)
    daily_limit = serializers.IntegerField(min_value=0, max_value=MAX_QUOTA, required=False)


class ResetUsageSerializer(serializers.Serializer):
    used_today = serializers.IntegerField(min_value=0, max_value=MAX_QUOTA, default=0)


class PlatformPathSerializer(serializers.Serializer):
    platform = ChoiceField(PlatformAccount.Platform.choices)
