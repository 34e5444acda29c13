"""webhook_deliver on its own: which delivery key it uses."""

from datetime import UTC, datetime

from webhooks.models import WebhookEvent
from webhooks.services import webhook_deliver

SIGNATURE = "sha256=" + "ab" * 32
SIGNED_AT = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def deliver_inspiration(inspiration, params, **signed):
    return webhook_deliver(
        endpoint=WebhookEvent.Endpoint.INSPIRATION,
        target_id=inspiration.id,
        payload=params,
        params=params,
        **signed,
    )


def test_a_signed_delivery_without_execution_id_is_keyed_by_its_signature(
    generating_inspiration,
):
    params = {"status": "success", "data": {"title": "generated"}}
    first = deliver_inspiration(
        generating_inspiration, params, signature=SIGNATURE, signed_at=SIGNED_AT
    )
    again = {"status": "success", "data": {"title": "replayed"}}
    assert deliver_inspiration(generating_inspiration, again, signature=SIGNATURE) == first
    event = WebhookEvent.objects.get()
    assert (event.delivery_key, event.execution_id, event.signed_at) == (
        SIGNATURE,
        None,
        SIGNED_AT,
    )
    generating_inspiration.refresh_from_db()
    assert generating_inspiration.title == "generated"


def test_an_execution_id_is_the_key_even_when_signed(generating_inspiration):
    params = {"status": "success", "data": {}, "executionId": "exec-7"}
    deliver_inspiration(generating_inspiration, params, signature=SIGNATURE, signed_at=SIGNED_AT)
    deliver_inspiration(generating_inspiration, params, signature="sha256=" + "cd" * 32)
    assert WebhookEvent.objects.get().delivery_key == "exec-7"


def test_a_token_delivery_without_execution_id_is_applied_every_time(generating_inspiration):
    params = {"status": "success", "data": {}}
    deliver_inspiration(generating_inspiration, params)
    deliver_inspiration(generating_inspiration, params)
    assert list(WebhookEvent.objects.values_list("delivery_key", "signed_at")) == [
        (None, None),
        (None, None),
    ]
