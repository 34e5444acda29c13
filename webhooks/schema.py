from drf_spectacular.extensions import OpenApiAuthenticationExtension


class WebhookSignatureScheme(OpenApiAuthenticationExtension):
    target_class = "webhooks.authentication.WebhookSignatureAuthentication"
    name = "n8nSignature"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-ShortsGen-Signature",
            "description": "sha256=<64 hex digits: HMAC-SHA256 with N8N_WEBHOOK_SECRET of "
            "'<X-ShortsGen-Timestamp>\\n<METHOD>\\n<path[?query]>\\n' + raw body>; the "
            "timestamp in Unix seconds within 5 minutes. See docs/n8n.md.",
        }
