from rest_framework.renderers import JSONRenderer

from core.responses import envelope, is_enveloped


class EnvelopeJSONRenderer(JSONRenderer):
    """Wraps every successful payload as {"code": 0, "msg": "success", "data": ...}.

    The browsable API renders through this renderer too, so it shows the same envelope.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is None or not is_enveloped(response):
            data = envelope(data)
        return super().render(data, accepted_media_type, renderer_context)
