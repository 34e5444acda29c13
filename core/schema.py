"""drf-spectacular: the schema shows the envelope every response really has, and the token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_ENVELOPE = {
    "type": "object",
    "properties": {
        "code": {"type": "integer", "description": "Equals the HTTP status.", "example": 400},
        "msg": {"type": "string", "example": "name: This field is required."},
        "data": {"nullable": True, "description": "null, or {errors: {field: [reasons]}}"},
    },
    "required": ["code", "msg", "data"],
}
ERROR_RESPONSES = {
    "400": "Invalid input: the message names the field and the reason; nothing was changed.",
    "401": "Missing or wrong API token.",
    "404": "Unknown id.",
}


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


def wrap_responses_in_envelope(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorEnvelope"] = ERROR_ENVELOPE
    error_ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.get("responses", {})
            for status, response in responses.items():
                if not status.startswith("2"):
                    continue
                content = response.setdefault("content", {})
                json_content = content.setdefault("application/json", {})
                json_content["schema"] = success_envelope(json_content.get("schema"))
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": error_ref}},
                    },
                )
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
