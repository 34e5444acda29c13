"""drf-spectacular: the schema shows the envelope every response really has, the statuses each
operation may answer, who may call it, and the token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.serializers import PolymorphicProxySerializerExtension
from drf_spectacular.utils import PolymorphicProxySerializer

from core.fields import MAX_ID
from core.permissions import allowed_roles

ERROR_ENVELOPE = {
    "type": "object",
    "properties": {
        "code": {"type": "integer", "description": "Equals the HTTP status.", "example": 400},
        "msg": {"type": "string", "example": "name: This field is required."},
        "data": {"nullable": True, "description": "null, or {errors: {field: [reasons]}}"},
    },
    "required": ["code", "msg", "data"],
}
# What every operation behind a token may answer besides its own statuses (docs/api.md).
AUTH_ERRORS = {
    "400": "Invalid input: the message names the field and the reason; nothing was changed.",
    "401": "Missing or wrong API token (`WWW-Authenticate: Token`).",
    "403": "The token's role may not call this operation (see x-roles), or may not set a "
    "field it sent.",
    "414": "URL (path and query string) longer than SHORTSGEN_MAX_URL_BYTES.",
    "429": "Too many requests (or failed authentications) from this caller: retry after "
    "`Retry-After` seconds.",
}
NOT_FOUND = "Unknown id (or a path that names nothing)."
BODY_ERRORS = {
    "413": "Request body larger than SHORTSGEN_MAX_BODY_BYTES.",
    "415": "Request body not sent as application/json.",
}
# An id (a path parameter the route matches with [0-9]+, a filter on one) names a row: an
# integer within bigint, as every id field of a body (core.fields.IdField).
ID_PARAMETER = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DIGITS_PATTERNS = ("^[0-9]+$", "[0-9]+")
WRITE_METHODS = ("post", "put", "patch", "delete")


class AutoSchema(SpectacularAutoSchema):
    """Records on each operation the roles that may call it (`x-roles`, docs/roles.md)."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None:
            roles = allowed_roles(self.view, self.view.request) or ()
            operation["x-roles"] = sorted(str(role) for role in roles)
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # drf-spectacular leaves out what DRF checks on lists: allow_empty=False, and the
        # max_length of a nested serializer with many=True.
        if schema and schema.get("type") == "array":
            if getattr(field, "allow_empty", True) is False:
                schema.setdefault("minItems", 1)
            if getattr(field, "max_length", None) is not None:
                schema.setdefault("maxItems", field.max_length)
        return schema


class NullableProxySerializer(PolymorphicProxySerializer):
    """One of the serializers' shapes, or null (the claim: a task, a list of them, or null)."""


class NullableProxySerializerExtension(PolymorphicProxySerializerExtension):
    target_class = NullableProxySerializer

    def map_serializer(self, auto_schema, direction):
        return {**super().map_serializer(auto_schema, direction), "nullable": True}


def success_envelope(data_schema: dict | None) -> dict:
    return {
        "type": "object",
        "properties": {
            "code": {"type": "integer", "example": 0},
            "msg": {"type": "string", "example": "success"},
            "data": data_schema or {"nullable": True},
        },
        "required": ["code", "msg", "data"],
    }


def needs_auth(operation: dict) -> bool:
    security = operation.get("security", [])
    return bool(security) and {} not in security


def error_responses(method: str, operation: dict) -> dict[str, str]:
    """The error statuses the operation answers, whatever its view declared."""
    errors = dict(AUTH_ERRORS) if needs_auth(operation) else {}
    if any(parameter["in"] == "path" for parameter in operation.get("parameters", [])):
        errors["404"] = NOT_FOUND
    if "requestBody" in operation or method in ("post", "put", "patch"):
        errors.update(BODY_ERRORS)
    return errors


def is_id_parameter(parameter: dict) -> bool:
    """A path parameter the route matches with [0-9]+, or a numeric filter named *_id."""
    schema = parameter.get("schema", {})
    if parameter["in"] == "path":
        return schema.get("type") == "integer" or schema.get("pattern") in DIGITS_PATTERNS
    numeric = schema.get("type") in ("integer", "number")
    return numeric and (parameter["name"] == "id" or parameter["name"].endswith("_id"))


def tighten_parameters(method: str, operation: dict) -> None:
    """Ids are integers within bigint; writes take no filters (drf-spectacular lists a list
    view's filters on its other collection actions, which read none)."""
    parameters = []
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and method in WRITE_METHODS:
            continue
        if is_id_parameter(parameter):
            parameter["schema"] = dict(ID_PARAMETER)
        parameters.append(parameter)
    if parameters:
        operation["parameters"] = parameters
    else:
        operation.pop("parameters", None)


def error_content() -> dict:
    return {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}


def wrap_responses_in_envelope(result, generator, request, public):
    """The postprocessing hook: every answer in its envelope, every status an operation may
    answer documented in one place rather than per view, ids bounded."""
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorEnvelope"] = ERROR_ENVELOPE
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            tighten_parameters(method, operation)
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if status.startswith("2"):
                    content = response.setdefault("content", {})
                    json_content = content.setdefault("application/json", {})
                    json_content["schema"] = success_envelope(json_content.get("schema"))
                else:
                    # An error a view declares (409, 404 by commit id) has the envelope too.
                    response.setdefault("content", error_content())
            for status, description in error_responses(method, operation).items():
                responses.setdefault(
                    status, {"description": description, "content": error_content()}
                )
            operation["responses"] = dict(sorted(responses.items()))
    return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` (or `Bearer <key>`): the token of an API client, "
            "whose role (worker, n8n, client) decides what it may call (docs/roles.md).",
        }
