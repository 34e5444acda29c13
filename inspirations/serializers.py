from rest_framework import serializers

from core.fields import ChoiceField, JSONObjectField
from inspirations.models import MAX_SCORE, MIN_SCORE, Inspiration


def score_field(**kwargs) -> serializers.FloatField:
    return serializers.FloatField(
        min_value=MIN_SCORE, max_value=MAX_SCORE, required=False, allow_null=True, **kwargs
    )


class InspirationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inspiration
        fields = [
            "id",
            "title",
            "description",
            "project_type_code",
            "source",
            "parameters",
            "status",
            "score",
            "score_details",
            "review_notes",
            "error_message",
            "created_at",
            "updated_at",
        ]


class InspirationApprovedSerializer(InspirationSerializer):
    """The approved inspiration and the project its approval created."""

    project_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta(InspirationSerializer.Meta):
        fields = [*InspirationSerializer.Meta.fields, "project_id"]


class InspirationCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    project_type_code = serializers.CharField(max_length=100, required=False, allow_null=True)
    source = serializers.CharField(max_length=100, required=False, allow_null=True)
    parameters = JSONObjectField(required=False)


class InspirationUpdateSerializer(InspirationCreateSerializer):
    """PUT /api/inspirations/{id}: every field optional; only what is sent changes."""

    title = serializers.CharField(max_length=255, required=False)
    status = ChoiceField(Inspiration.Status.choices, required=False)
    score = score_field()
    score_details = JSONObjectField(required=False, allow_null=True)
    review_notes = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class InspirationApproveSerializer(serializers.Serializer):
    """Both optional; null is the same as leaving the field out."""

    review_notes = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    score = score_field()


class InspirationRejectSerializer(serializers.Serializer):
    review_notes = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class InspirationRegenerateSerializer(serializers.Serializer):
    parameter_overrides = JSONObjectField(required=False, allow_null=True)
