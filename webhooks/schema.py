from drf_spectacular.extensions import OpenApiAuthenticationExtension


class WebhookSignatureScheme(OpenApiAuthenticationExtension):
    target_class = "webhooks.authentication.WebhookSignatureAuthentication"
    name = "n8nSignature"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-ShortsGen-Signature",
            "description": "sha256=<hex HMAC-SHA256 of '<X-ShortsGen-Timestamp>.<raw body>'> "
            "with N8N_WEBHOOK_SECRET; the timestamp within 5 minutes.",
        }
