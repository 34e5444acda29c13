from rest_framework.response import Response


def envelope(data=None, *, code: int = 0, msg: str = "success") -> dict:
    """The body of every answer under /api/ and /projects, built here only."""
    return {"code": code, "msg": msg, "data": data}


class EnvelopeResponse(Response):
    """A response whose body is already the {code, msg, data} envelope.

    Plain `Response(data)` from a view is wrapped as a success by the renderer; this one is
    for everything else: errors, and the claim's "nothing to claim" (HTTP 200, code 1).
    """

    def __init__(self, data=None, *, code: int = 0, msg: str = "success", status=None, **kwargs):
        super().__init__(envelope(data, code=code, msg=msg), status=status, **kwargs)


def is_enveloped(response) -> bool:
    return isinstance(response, EnvelopeResponse)


def triggered_response(data: dict) -> Response:
    """The answer to a change that also triggered an n8n workflow.

    The change stands either way. When n8n could not be reached (or refused the call), the
    envelope's code is -1, "通用失败" in the contract, with the same data: `workflow_run`
    says why, and the run can be retried (`manage.py retry_workflow_runs`, the admin).
    """
    run = data.get("workflow_run")
    if run and run["state"] == "failed":
        return EnvelopeResponse(
            data, code=-1, msg=f"Saved, but the n8n workflow was not triggered: {run['error']}"
        )
    return Response(data)
