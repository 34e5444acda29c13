import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.models import SHA256_HEX_MESSAGE, Asset
from core.fields import ChoiceField, JSONObjectField

SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@extend_schema_field({"type": "string", "pattern": "^[0-9a-fA-F]{64}$"})
class FileHashField(serializers.CharField):
    """A sha256 digest in hex; upper case is accepted and stored in lower case."""

    default_error_messages = {"not_sha256": SHA256_HEX_MESSAGE}

    def to_internal_value(self, data):
        value = super().to_internal_value(data).lower()
        if not SHA256_HEX.fullmatch(value):
            self.fail("not_sha256")
        return value


class AssetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Asset
        fields = [
            "id",
            "name",
            "description",
            "asset_type",
            "storage_path",
            "asset_metadata",
            "duration_seconds",
            "source",
            "visibility",
            "status",
            "file_hash",
            "original_filename",
            "created_at",
            "updated_at",
        ]


class AssetFieldsMixin(serializers.Serializer):
    """What a client may set on an asset besides its name and type, at creation or later."""

    description = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    storage_path = serializers.CharField(
        max_length=1024, required=False, allow_null=True, allow_blank=True
    )
    asset_metadata = JSONObjectField(required=False)
    duration_seconds = serializers.FloatField(min_value=0, required=False, allow_null=True)
    source = serializers.CharField(
        max_length=100, required=False, allow_null=True, allow_blank=True
    )
    visibility = ChoiceField(Asset.Visibility.choices, required=False)
    status = ChoiceField(Asset.Status.choices, required=False)
    file_hash = FileHashField(required=False, allow_null=True)
    original_filename = serializers.CharField(
        max_length=255, required=False, allow_null=True, allow_blank=True
    )


class AssetCreateSerializer(AssetFieldsMixin):
    name = serializers.CharField(max_length=255)
    asset_type = ChoiceField(Asset.AssetType.choices)


class AssetUpdateSerializer(AssetFieldsMixin):
    """PUT /api/assets/{id}: every field optional; only what is sent changes."""

    name = serializers.CharField(max_length=255, required=False)
    asset_type = ChoiceField(Asset.AssetType.choices, required=False)


class AssetTypePathSerializer(serializers.Serializer):
    asset_type = ChoiceField(Asset.AssetType.choices)


class FileHashPathSerializer(serializers.Serializer):
    file_hash = FileHashField()
