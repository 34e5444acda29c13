from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import services
from accounts.filters import PlatformAccountFilter
from accounts.models import PlatformAccount
from accounts.serializers import (
    PlatformAccountCreateSerializer,
    PlatformAccountListSerializer,
    PlatformAccountSerializer,
    PlatformAccountUpdateSerializer,
    PlatformPathSerializer,
    ResetUsageSerializer,
)
from core.idempotency import idempotent
from core.roles import READERS, WRITERS
from core.serializers import message_serializer
from core.viewsets import ModelViewSet


class PlatformAccountViewSet(ModelViewSet):
    queryset = PlatformAccount.objects.order_by("platform", "id")
    serializer_class = PlatformAccountListSerializer
    detail_serializer_class = PlatformAccountSerializer
    filterset_class = PlatformAccountFilter
    not_found_message = services.ACCOUNT_NOT_FOUND
    roles = {
        **dict.fromkeys(["list", "retrieve", "available", "platforms"], READERS),
        **dict.fromkeys(["create", "update", "destroy", "reset_usage"], WRITERS),
    }

    @idempotent
    @extend_schema(
        request=PlatformAccountCreateSerializer, responses={201: PlatformAccountSerializer}
    )
    def create(self, request):
        params = PlatformAccountCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        account = services.account_create(**params.validated_data)
        return Response(PlatformAccountSerializer(account).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlatformAccountUpdateSerializer, responses=PlatformAccountSerializer)
    def update(self, request, pk=None):
        params = PlatformAccountUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        account = services.account_update(account=self.get_object(), **params.validated_data)
        return Response(PlatformAccountSerializer(account).data)

    @extend_schema(responses={200: message_serializer("AccountDeleted")})
    def destroy(self, request, pk=None):
        services.account_delete(account=self.get_object())
        return self.message_response("Platform account deleted successfully")

    @extend_schema(
        description="Active accounts of the platform with quota left today, most remaining "
        "quota first. Not paginated.",
        parameters=[
            OpenApiParameter(
                "platform", str, OpenApiParameter.PATH, enum=PlatformAccount.Platform.values
            )
        ],
        filters=False,
        responses=PlatformAccountListSerializer(many=True),
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"available/(?P<platform>[^/]+)",
        pagination_class=None,
    )
    def available(self, request, platform=None):
        params = PlatformPathSerializer(data={"platform": platform})
        params.is_valid(raise_exception=True)
        accounts = PlatformAccount.objects.available(platforms=[params.validated_data["platform"]])
        return Response(PlatformAccountListSerializer(accounts, many=True).data)

    @extend_schema(request=ResetUsageSerializer, responses=PlatformAccountSerializer)
    @action(detail=True, methods=["post"], url_path="reset-usage")
    def reset_usage(self, request, pk=None):
        params = ResetUsageSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        account = services.account_reset_usage(account=self.get_object(), **params.validated_data)
        return Response(PlatformAccountSerializer(account).data)

    @extend_schema(
        filters=False,
        responses={
            200: {
                "type": "array",
                "items": {"type": "string", "enum": PlatformAccount.Platform.values},
                "example": PlatformAccount.Platform.values,
            }
        },
    )
    @action(detail=False, methods=["get"], url_path="platforms/list", pagination_class=None)
    def platforms(self, request):
        return Response(PlatformAccount.Platform.values)
