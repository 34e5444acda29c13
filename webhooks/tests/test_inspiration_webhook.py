from core.testing import error, ok
from inspirations.models import Inspiration
from webhooks.models import WebhookEvent

# Contract section 7.1, request example (one of its "success|failed").
EXAMPLE = {
    "status": "success",
    "data": {
        "title": "AI生成的标题",
        "description": "AI生成的描述",
        "parameters": {},
        "score": 4.5,
        "error": "错误信息",
    },
    "executionId": "n8n_exec_123",
}


def url(inspiration_id):
    return f"/api/webhooks/n8n/inspiration/{inspiration_id}"


def test_contract_example_updates_the_inspiration(n8n_api, generating_inspiration):
    inspiration = generating_inspiration
    data = ok(n8n_api.post(url(inspiration.id), EXAMPLE, format="json"))
    assert data == {
        "message": "Inspiration webhook processed",
        "inspiration_id": inspiration.id,
        "status": "success",
    }
    inspiration.refresh_from_db()
    assert inspiration.title == "AI生成的标题"
    assert inspiration.description == "AI生成的描述"
    assert inspiration.score == 4.5
    # Generated, back to draft for review.
    assert inspiration.status == Inspiration.Status.DRAFT
    assert inspiration.error_message is None
    event = WebhookEvent.objects.get()
    assert (event.endpoint, event.target_id, event.execution_id) == (
        "inspiration",
        inspiration.id,
        "n8n_exec_123",
    )
    assert event.payload == EXAMPLE
    assert event.result == data
    assert event.status_code == 200


def test_failed_marks_the_inspiration_failed_with_the_error(n8n_api, generating_inspiration):
    body = {"status": "failed", "data": {"error": "LLM quota exceeded"}, "executionId": "e1"}
    data = ok(n8n_api.post(url(generating_inspiration.id) + "/", body, format="json"))
    assert data["status"] == "failed"
    generating_inspiration.refresh_from_db()
    assert generating_inspiration.status == Inspiration.Status.FAILED
    assert generating_inspiration.error_message == "LLM quota exceeded"


def test_the_same_execution_again_returns_the_first_result_and_writes_nothing(
    n8n_api, generating_inspiration
):
    first = ok(n8n_api.post(url(generating_inspiration.id), EXAMPLE, format="json"))
    again = {**EXAMPLE, "data": {**EXAMPLE["data"], "title": "something else"}}
    assert ok(n8n_api.post(url(generating_inspiration.id), again, format="json")) == first
    generating_inspiration.refresh_from_db()
    assert generating_inspiration.title == "AI生成的标题"
    assert WebhookEvent.objects.count() == 1


def test_parameters_must_fit_the_type_schema(n8n_api, demo_types, generating_inspiration):
    demo_types["video_generation"].parameter_schema = {
        "properties": {"duration_seconds": {"type": "integer", "minimum": 10}}
    }
    demo_types["video_generation"].save()
    body = {**EXAMPLE, "data": {"parameters": {"duration_seconds": 5}}}
    message = error(n8n_api.post(url(generating_inspiration.id), body, format="json"), 400)
    assert message == "parameters.duration_seconds: 5 is less than the minimum of 10"
    assert not WebhookEvent.objects.exists()


def test_an_invalid_payload_is_400(n8n_api, generating_inspiration):
    body = {"status": "done", "data": {"parameters": [1]}}
    message = error(n8n_api.post(url(generating_inspiration.id), body, format="json"), 400)
    assert '"done" is not a valid choice.' in message
    assert "data.parameters: Must be a JSON object." in message
    assert not WebhookEvent.objects.exists()


def test_unknown_inspiration_is_404(n8n_api):
    assert error(n8n_api.post(url(9999), EXAMPLE, format="json"), 404) == "Inspiration not found"
    assert not WebhookEvent.objects.exists()
