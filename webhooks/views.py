from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.authentication import ApiTokenAuthentication
from core.exceptions import NotFoundError
from core.fields import MAX_ID
from core.roles import N8N
from core.serializers import message_serializer
from webhooks import services
from webhooks.authentication import SignedRequest, WebhookSignatureAuthentication
from webhooks.models import WebhookEvent
from webhooks.serializers import (
    InspirationCallbackSerializer,
    ProjectCreationCallbackSerializer,
    ProjectExecutionCallbackSerializer,
    TaskUpdateCallbackSerializer,
)

Endpoint = WebhookEvent.Endpoint


class N8nWebhookView(APIView):
    """Validate the payload, apply it in one transaction, answer with the stored result."""

    authentication_classes = [WebhookSignatureAuthentication, ApiTokenAuthentication]
    roles = {"post": N8N}
    endpoint: str
    payload_serializer: type[serializers.Serializer]
    not_found: str

    def post(self, request, target_id):
        target_id = int(target_id)
        if not 0 < target_id <= MAX_ID:
            raise NotFoundError(self.not_found)
        params = self.payload_serializer(data=request.data)
        params.is_valid(raise_exception=True)
        signed = request.auth if isinstance(request.auth, SignedRequest) else None
        result = services.webhook_deliver(
            endpoint=self.endpoint,
            target_id=target_id,
            payload=request.data,
            params=params.validated_data,
            signature=signed.signature if signed else None,
            signed_at=signed.signed_at if signed else None,
        )
        return Response(result)


def webhook_view(endpoint, serializer, not_found, description, responses=None):
    @extend_schema(
        request=serializer,
        responses={200: message_serializer("WebhookResult"), **(responses or {})},
        description=description,
    )
    def post(self, request, target_id):
        return N8nWebhookView.post(self, request, target_id)

    view = type(
        f"{endpoint.title().replace('_', '')}WebhookView",
        (N8nWebhookView,),
        {
            "endpoint": endpoint,
            "payload_serializer": serializer,
            "not_found": not_found,
            "post": post,
        },
    )
    return view.as_view()


inspiration = webhook_view(
    Endpoint.INSPIRATION,
    InspirationCallbackSerializer,
    "Inspiration not found",
    "Result of the inspiration workflow: success updates the inspiration and sets it back to "
    "draft for review; failed sets it failed with data.error (or error) as error_message.",
)
project_creation = webhook_view(
    Endpoint.PROJECT_CREATION,
    ProjectCreationCallbackSerializer,
    "Inspiration not found",
    "Result of the transform workflow: creates the project and its tasks (dependencies by "
    "task key or by index into tasks; without tasks the type's template) or nothing. Only for "
    "an approved inspiration (else 400) that has no project yet (else 409).",
    responses={
        409: OpenApiResponse(
            description="The inspiration already has a project: data.project_id names it."
        )
    },
)
project_execution = webhook_view(
    Endpoint.PROJECT_EXECUTION,
    ProjectExecutionCallbackSerializer,
    "Project not found",
    "Result of the execution workflow: task_updates and project_updates applied atomically.",
)
task_update = webhook_view(
    Endpoint.TASK_UPDATE,
    TaskUpdateCallbackSerializer,
    "Task not found",
    "One task's progress, as PATCH /api/tasks/{id} applies it.",
)
