from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from assets import services
from assets.filters import AssetFilter
from assets.models import Asset
from assets.serializers import (
    AssetCreateSerializer,
    AssetSerializer,
    AssetTypePathSerializer,
    AssetUpdateSerializer,
    FileHashPathSerializer,
)
from core.exceptions import NotFoundError
from core.idempotency import idempotent
from core.roles import READERS, WORKERS, WRITERS
from core.serializers import message_serializer
from core.viewsets import ModelViewSet


class AssetViewSet(ModelViewSet):
    queryset = Asset.objects.order_by("-created_at", "-id")
    serializer_class = AssetSerializer
    filterset_class = AssetFilter
    not_found_message = services.ASSET_NOT_FOUND
    # Workers catalogue what they produce: they add and look up assets, but change none.
    roles = {
        **dict.fromkeys(["list", "retrieve", "by_type", "by_hash"], READERS | WORKERS),
        "create": WRITERS | WORKERS,
        **dict.fromkeys(["update", "destroy"], WRITERS),
    }

    @idempotent
    @extend_schema(
        request=AssetCreateSerializer,
        responses={
            201: AssetSerializer,
            200: OpenApiResponse(
                AssetSerializer,
                "A live asset already has this file_hash: it is returned unchanged and "
                "nothing is created.",
            ),
        },
    )
    def create(self, request):
        params = AssetCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        asset, created = services.asset_create(**params.validated_data)
        return Response(
            AssetSerializer(asset).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=AssetUpdateSerializer, responses=AssetSerializer)
    def update(self, request, pk=None):
        params = AssetUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        asset = services.asset_update(asset=self.get_object(), **params.validated_data)
        return Response(AssetSerializer(asset).data)

    @extend_schema(responses={200: message_serializer("AssetDeleted")})
    def destroy(self, request, pk=None):
        services.asset_delete(asset=self.get_object())
        return self.message_response("Asset deleted successfully")

    @extend_schema(
        parameters=[
            OpenApiParameter("asset_type", str, OpenApiParameter.PATH, enum=Asset.AssetType.values)
        ],
        filters=False,
        responses=AssetSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path=r"by-type/(?P<asset_type>[^/]+)")
    def by_type(self, request, asset_type=None):
        params = AssetTypePathSerializer(data={"asset_type": asset_type})
        params.is_valid(raise_exception=True)
        assets = self.get_queryset().filter(asset_type=params.validated_data["asset_type"])
        page = self.paginate_queryset(assets)
        return self.get_paginated_response(AssetSerializer(page, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "file_hash", OpenApiTypes.STR, OpenApiParameter.PATH, pattern="^[0-9a-fA-F]{64}$"
            )
        ],
        responses=AssetSerializer,
    )
    @action(detail=False, methods=["get"], url_path=r"by-hash/(?P<file_hash>[^/]+)")
    def by_hash(self, request, file_hash=None):
        params = FileHashPathSerializer(data={"file_hash": file_hash})
        params.is_valid(raise_exception=True)
        asset = self.get_queryset().filter(file_hash=params.validated_data["file_hash"]).first()
        if asset is None:
            raise NotFoundError(services.ASSET_NOT_FOUND)
        return Response(AssetSerializer(asset).data)
