from rest_framework.response import Response


class EnvelopeResponse(Response):
    """A response whose body is already the {code, msg, data} envelope.

    Plain `Response(data)` from a view is wrapped as a success by the renderer; this one is
    for everything else: errors, and the claim's "nothing to claim" (HTTP 200, code 1).
    """

    def __init__(self, data=None, *, code: int = 0, msg: str = "success", status=None, **kwargs):
        super().__init__({"code": code, "msg": msg, "data": data}, status=status, **kwargs)


def is_enveloped(response) -> bool:
    return isinstance(response, EnvelopeResponse)
